package dev.mcu.media.vp8;

/**
 * The VP8 payload descriptor that starts every VP8 RTP payload (RFC 7741 §4.2). A reusable,
 * mutable parse result: {@link #parse} fills the fields, so parsing allocates nothing.
 *
 * <pre>
 *       0 1 2 3 4 5 6 7
 *      +-+-+-+-+-+-+-+-+
 *      |X|R|N|S|R| PID | (REQUIRED)
 *      +-+-+-+-+-+-+-+-+
 * X:   |I|L|T|K| RSV   | (OPTIONAL)
 *      +-+-+-+-+-+-+-+-+
 * I:   |M| PictureID   | (OPTIONAL)
 *      +-+-+-+-+-+-+-+-+
 *      |   PictureID   | (present when M=1: 15-bit picture id)
 *      +-+-+-+-+-+-+-+-+
 * L:   |   TL0PICIDX   | (OPTIONAL)
 *      +-+-+-+-+-+-+-+-+
 * T/K: |TID|Y| KEYIDX  | (OPTIONAL, one byte when T or K is set)
 *      +-+-+-+-+-+-+-+-+
 * </pre>
 *
 * <p>Threads: one instance per user thread.
 */
public final class Vp8Descriptor {
    public static final int X_BIT = 0x80;
    /** N: a non-reference frame, which may be discarded without breaking later frames. */
    public static final int N_BIT = 0x20;
    /** S: the first packet of a partition. */
    public static final int S_BIT = 0x10;
    public static final int PID_MASK = 0x07;
    public static final int I_BIT = 0x80;
    public static final int L_BIT = 0x40;
    public static final int T_BIT = 0x20;
    public static final int K_BIT = 0x10;
    /** M: the picture id is 15 bits long. */
    public static final int M_BIT = 0x80;
    public static final int TID_SHIFT = 6;
    public static final int Y_BIT = 0x20;
    public static final int KEYIDX_MASK = 0x1f;
    public static final int PICTURE_ID_MASK_15 = 0x7fff;

    /** What {@link Vp8Packetizer} writes: X=1, I=1 with a 15-bit picture id. */
    public static final int WRITTEN_SIZE = 4;

    private boolean nonReference;
    private boolean startOfPartition;
    private int partitionIndex;
    private int pictureId;
    private boolean longPictureId;
    private int tl0PicIdx;
    private int temporalId;
    private boolean layerSync;
    private int keyIndex;

    /**
     * Parses the descriptor at {@code buffer[offset, offset+length)}; returns its size in bytes,
     * or -1 when it is truncated or leaves no VP8 payload after it.
     */
    public int parse(byte[] buffer, int offset, int length) {
        int end = offset + length;
        int at = offset;
        if (at >= end) {
            return -1;
        }
        int first = buffer[at++] & 0xff;
        nonReference = (first & N_BIT) != 0;
        startOfPartition = (first & S_BIT) != 0;
        partitionIndex = first & PID_MASK;
        pictureId = -1;
        longPictureId = false;
        tl0PicIdx = -1;
        temporalId = -1;
        layerSync = false;
        keyIndex = -1;
        if ((first & X_BIT) != 0) {
            if (at >= end) {
                return -1;
            }
            int extension = buffer[at++] & 0xff;
            if ((extension & I_BIT) != 0) {
                if (at >= end) {
                    return -1;
                }
                int id = buffer[at++] & 0xff;
                if ((id & M_BIT) != 0) {
                    if (at >= end) {
                        return -1;
                    }
                    pictureId = ((id & 0x7f) << 8) | (buffer[at++] & 0xff);
                    longPictureId = true;
                } else {
                    pictureId = id;
                }
            }
            if ((extension & L_BIT) != 0) {
                if (at >= end) {
                    return -1;
                }
                tl0PicIdx = buffer[at++] & 0xff;
            }
            if ((extension & (T_BIT | K_BIT)) != 0) {
                if (at >= end) {
                    return -1;
                }
                int tk = buffer[at++] & 0xff;
                if ((extension & T_BIT) != 0) {
                    temporalId = tk >>> TID_SHIFT;
                    layerSync = (tk & Y_BIT) != 0;
                }
                if ((extension & K_BIT) != 0) {
                    keyIndex = tk & KEYIDX_MASK;
                }
            }
        }
        return at < end ? at - offset : -1;
    }

    /**
     * Writes the 4-byte descriptor {@link Vp8Packetizer} uses: X=1, N=0, S as given, PID=0,
     * I=1, M=1 and a 15-bit picture id. Returns the index after it.
     */
    public static int write(byte[] out, int at, boolean startOfPartition, int pictureId) {
        out[at] = (byte) (X_BIT | (startOfPartition ? S_BIT : 0));
        out[at + 1] = (byte) I_BIT;
        out[at + 2] = (byte) (M_BIT | ((pictureId >>> 8) & 0x7f));
        out[at + 3] = (byte) pictureId;
        return at + WRITTEN_SIZE;
    }

    public boolean nonReference() { return nonReference; }
    public boolean startOfPartition() { return startOfPartition; }
    public int partitionIndex() { return partitionIndex; }
    /** True for the first packet of a frame: S=1 and partition 0. */
    public boolean startOfFrame() { return startOfPartition && partitionIndex == 0; }
    /** 7- or 15-bit picture id, or -1 when absent. */
    public int pictureId() { return pictureId; }
    public boolean longPictureId() { return longPictureId; }
    /** -1 when absent. */
    public int tl0PicIdx() { return tl0PicIdx; }
    /** -1 when absent. */
    public int temporalId() { return temporalId; }
    public boolean layerSync() { return layerSync; }
    /** -1 when absent. */
    public int keyIndex() { return keyIndex; }
}
