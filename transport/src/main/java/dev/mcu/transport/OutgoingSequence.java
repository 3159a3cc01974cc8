package dev.mcu.transport;

/**
 * The sequence numbers (and, for a stream that keeps the packetizer's SSRC, the SSRC) one receiver
 * sees, when what it is sent may come from more than one packetizer: an output ladder moves a
 * receiver from one layer's stream to another's at a keyframe, and the receiver must still see one
 * continuous RTP stream. While the source stays the same, its sequence numbers pass through shifted
 * by a constant (zero for a stream that never changed source, so a plain call is sent exactly what
 * the packetizer made); when the source SSRC changes, the shift is chosen so the first packet of the
 * new source follows the last one sent.
 *
 * <p>Threads: the sending thread of the endpoint (one frame at a time per receiver); synchronized
 * because audio and video never share an instance but a stray concurrent send must not corrupt it.
 */
final class OutgoingSequence {
    /** The SSRC written into every packet, or -1 to keep each packet's own. */
    private final long fixedSsrc;
    private final boolean keepFirstSsrc;
    private long sourceSsrc = -1;
    private long sentSsrc = -1;
    private int shift;
    private int lastSent = -1;

    /**
     * @param fixedSsrc     the SSRC announced for this stream (WebRTC), or -1
     * @param keepFirstSsrc with no fixed SSRC: keep the first source's SSRC for the whole stream
     *                      (video, whose layers have SSRCs of their own), instead of each packet's
     */
    OutgoingSequence(long fixedSsrc, boolean keepFirstSsrc) {
        this.fixedSsrc = fixedSsrc;
        this.keepFirstSsrc = keepFirstSsrc;
    }

    /**
     * Notes a packet about to be sent.
     *
     * @return the sequence number (low 16 bits) and the SSRC it goes out with (bits 16..47)
     */
    synchronized long next(long packetSsrc, int packetSequenceNumber) {
        if (packetSsrc != sourceSsrc) {
            shift = lastSent < 0 ? 0 : (lastSent + 1 - packetSequenceNumber) & 0xffff;
            sourceSsrc = packetSsrc;
            if (sentSsrc < 0 || !keepFirstSsrc) {
                sentSsrc = fixedSsrc >= 0 ? fixedSsrc : packetSsrc;
            }
        }
        int out = (packetSequenceNumber + shift) & 0xffff;
        if (lastSent < 0 || ((out - lastSent) & 0xffff) < 0x8000) {
            lastSent = out;
        }
        return (sentSsrc << 16) | out;
    }

    static int sequenceNumber(long next) {
        return (int) (next & 0xffff);
    }

    static long ssrc(long next) {
        return next >>> 16;
    }
}
