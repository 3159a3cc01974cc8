package dev.mcu.media.vp8;

/**
 * The VP8 frame header (RFC 6386 §9.1, RFC 7741 §4.3): the first bytes of every VP8 frame.
 *
 * <pre>
 *  0 1 2 3 4 5 6 7
 * +-+-+-+-+-+-+-+-+
 * |Size0|H| VER |P|   P: inverse key frame flag (0 = keyframe), H: show_frame
 * +-+-+-+-+-+-+-+-+
 * |     Size1     |   first partition size = Size0 + 8 * Size1 + 2048 * Size2
 * +-+-+-+-+-+-+-+-+
 * |     Size2     |
 * +-+-+-+-+-+-+-+-+
 * | keyframes only: start code 9d 01 2a, then 16-bit width and height (little endian, 2 bits scale)
 * </pre>
 *
 * <p>Stateless and thread-safe.
 */
public final class Vp8Frames {
    public static final int INVERSE_KEYFRAME_BIT = 0x01;
    public static final int DELTA_HEADER_SIZE = 3;
    public static final int KEYFRAME_HEADER_SIZE = 10;
    private static final int START_CODE_0 = 0x9d;
    private static final int START_CODE_1 = 0x01;
    private static final int START_CODE_2 = 0x2a;

    private Vp8Frames() {
    }

    /** True when the frame header at {@code frame[offset]} says keyframe (P = 0). */
    public static boolean isKeyframe(byte[] frame, int offset) {
        return (frame[offset] & INVERSE_KEYFRAME_BIT) == 0;
    }

    /**
     * Checks the header of the VP8 frame in {@code frame[offset, offset+length)}: long enough, the
     * keyframe start code in place, and the first partition inside the frame.
     */
    public static boolean isValid(byte[] frame, int offset, int length) {
        if (length < DELTA_HEADER_SIZE) {
            return false;
        }
        int b0 = frame[offset] & 0xff;
        int firstPartitionSize = (b0 >>> 5) | ((frame[offset + 1] & 0xff) << 3) | ((frame[offset + 2] & 0xff) << 11);
        int headerSize = DELTA_HEADER_SIZE;
        if ((b0 & INVERSE_KEYFRAME_BIT) == 0) {
            headerSize = KEYFRAME_HEADER_SIZE;
            if (length < KEYFRAME_HEADER_SIZE
                    || (frame[offset + 3] & 0xff) != START_CODE_0
                    || (frame[offset + 4] & 0xff) != START_CODE_1
                    || (frame[offset + 5] & 0xff) != START_CODE_2) {
                return false;
            }
        }
        return firstPartitionSize <= length - headerSize;
    }
}
