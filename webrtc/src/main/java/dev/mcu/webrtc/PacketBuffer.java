package dev.mcu.webrtc;

/**
 * A packet in a byte array that SRTP rewrites in place: protect appends the tag (and SRTCP index)
 * after {@code length}, unprotect shortens it. When the array has less than
 * {@link SrtpContext#MAX_TRAILER} bytes of room after the packet, protect moves the packet into a
 * new, larger array, so give it room to stay allocation-free. Owned by whoever holds it; not
 * thread-safe.
 */
public final class PacketBuffer {
    private byte[] array;
    private int offset;
    private int length;

    public PacketBuffer(byte[] array, int offset, int length) {
        if (offset < 0 || length < 0 || offset + length > array.length) {
            throw new IndexOutOfBoundsException("offset " + offset + " length " + length + " in " + array.length);
        }
        this.array = array;
        this.offset = offset;
        this.length = length;
    }

    /** Wraps a copy of {@code packet} with room for the largest SRTP trailer. */
    public static PacketBuffer copyOf(byte[] packet) {
        byte[] array = new byte[packet.length + SrtpContext.MAX_TRAILER];
        System.arraycopy(packet, 0, array, 0, packet.length);
        return new PacketBuffer(array, 0, packet.length);
    }

    public byte[] array() {
        return array;
    }

    public int offset() {
        return offset;
    }

    public int length() {
        return length;
    }

    void setLength(int length) {
        this.length = length;
    }

    /** Makes room for {@code extra} bytes after the packet, moving it to a new array if needed. */
    void ensureTailRoom(int extra) {
        if (offset + length + extra <= array.length) {
            return;
        }
        byte[] bigger = new byte[length + extra];
        System.arraycopy(array, offset, bigger, 0, length);
        array = bigger;
        offset = 0;
    }

    /** A copy of the packet's bytes. */
    public byte[] toByteArray() {
        byte[] out = new byte[length];
        System.arraycopy(array, offset, out, 0, length);
        return out;
    }
}
