package dev.mcu.media.rtp;

/**
 * Reads the RFC 6464 client-to-mixer audio level ({@code urn:ietf:params:rtp-hdrext:ssrc-audio-level})
 * from an RTP packet: one data byte, {@code | V:1 | level:7 |}, level in -dBov (0 loudest, 127
 * silence or quieter), V set when the sender's voice activity detector heard voice. Stateless; any
 * thread.
 *
 * <p>{@link #read} packs both into one int so the hot path does not allocate: {@link #ABSENT} when
 * the packet carries no such element, else the raw byte (0..255), taken apart with {@link #level}
 * and {@link #voice}.
 */
public final class AudioLevelIndication {
    public static final String URI = "urn:ietf:params:rtp-hdrext:ssrc-audio-level";
    public static final int ABSENT = -1;
    private static final int VOICE_BIT = 0x80;
    private static final int LEVEL_MASK = 0x7f;

    private AudioLevelIndication() {
    }

    /** The indication byte of element {@code id}, or {@link #ABSENT}. */
    public static int read(RtpPacket packet, int id) {
        HeaderExtensions.Element element = HeaderExtensions.find(packet, id);
        if (element == null || element.length() < 1) {
            return ABSENT;
        }
        return packet.buffer()[element.offset()] & 0xff;
    }

    /** The level in -dBov, 0..127. */
    public static int level(int indication) {
        return indication & LEVEL_MASK;
    }

    /** The level in dBov as the mixer measures it (0 loudest, -127 silence). */
    public static double dbov(int indication) {
        return -level(indication);
    }

    /** Whether the sender said the packet holds voice (the V bit). */
    public static boolean voice(int indication) {
        return (indication & VOICE_BIT) != 0;
    }

    /** The indication byte for a level (clamped to 0..127) and V bit, as a sender writes it. */
    public static int of(int levelMinusDbov, boolean voice) {
        return (voice ? VOICE_BIT : 0) | Math.max(0, Math.min(LEVEL_MASK, levelMinusDbov));
    }
}
