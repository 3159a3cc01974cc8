package dev.mcu.media.dtmf;

/**
 * An RFC 4733 telephone-event payload (§2.3): one named event, usually a DTMF digit.
 *
 * <pre>
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |     event     |E|R| volume    |          duration             |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * </pre>
 *
 * All packets of one event carry the same RTP timestamp (the event's start); the duration grows,
 * and the final packet, with E set, is usually sent three times.
 *
 * @param volume   power level in -dBm0 (0..63)
 * @param duration in RTP timestamp units since the event began
 */
public record TelephoneEvent(int event, boolean end, int volume, int duration) {
    public static final int SIZE = 4;
    private static final int END_BIT = 0x80;
    private static final int VOLUME_MASK = 0x3f;
    /** Events 0-15 (RFC 4733 §3.2): digits, then *, #, then A-D. */
    private static final String DTMF_DIGITS = "0123456789*#ABCD";

    /** Parses the payload at {@code b[offset]}; {@code null} when shorter than 4 bytes. */
    public static TelephoneEvent parse(byte[] b, int offset, int length) {
        if (offset < 0 || length < SIZE || offset + length > b.length) {
            return null;
        }
        return new TelephoneEvent(b[offset] & 0xff, (b[offset + 1] & END_BIT) != 0, b[offset + 1] & VOLUME_MASK,
                ((b[offset + 2] & 0xff) << 8) | (b[offset + 3] & 0xff));
    }

    /** The DTMF character for events 0-15, or {@code 0} for other events (flash hook, tones). */
    public char digit() {
        return event < DTMF_DIGITS.length() ? DTMF_DIGITS.charAt(event) : 0;
    }

    public int writeTo(byte[] out, int at) {
        out[at] = (byte) event;
        out[at + 1] = (byte) ((end ? END_BIT : 0) | (volume & VOLUME_MASK));
        out[at + 2] = (byte) (duration >>> 8);
        out[at + 3] = (byte) duration;
        return SIZE;
    }
}
