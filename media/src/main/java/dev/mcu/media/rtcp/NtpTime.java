package dev.mcu.media.rtcp;

/** 64-bit NTP timestamps (RFC 5905 §6) as SR and LSR use them. Stateless. */
public final class NtpTime {
    /** Seconds from 1900-01-01 (NTP era 0) to 1970-01-01 (Unix epoch). */
    static final long UNIX_EPOCH_IN_NTP_SECONDS = 2_208_988_800L;

    private NtpTime() {
    }

    /** NTP time for a wall-clock instant in Unix milliseconds. */
    public static long fromUnixMillis(long unixMillis) {
        long seconds = Math.floorDiv(unixMillis, 1000) + UNIX_EPOCH_IN_NTP_SECONDS;
        long fraction = (Math.floorMod(unixMillis, 1000) << 32) / 1000;
        return (seconds << 32) | fraction;
    }

    /** The middle 32 bits, the compact form LSR carries (RFC 3550 §6.4.1). */
    public static long middle32(long ntpTimestamp) {
        return (ntpTimestamp >>> 16) & 0xffffffffL;
    }
}
