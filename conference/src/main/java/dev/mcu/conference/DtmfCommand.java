package dev.mcu.conference;

/**
 * What a caller asks for with its keypad: {@code *9} raises or lowers its hand, {@code *6} mutes or
 * unmutes itself. {@link Sequence} reads the digits of one caller. Immutable.
 */
public enum DtmfCommand {
    TOGGLE_HAND('9'),
    TOGGLE_MUTE('6');

    /** How long after '*' the command digit may come. */
    static final long STAR_VALID_NANOS = 3_000_000_000L;

    private final char digit;

    DtmfCommand(char digit) {
        this.digit = digit;
    }

    /**
     * The digits of one caller, from RFC 4733 events or SIP INFO (each digit once: the transport
     * de-duplicates end packets). Threads: the caller's transport event loop or a SIP thread;
     * synchronized, as both may deliver.
     */
    static final class Sequence {
        private long starAtNanos = Long.MIN_VALUE;

        /** @return the command this digit completes, or null */
        synchronized DtmfCommand onDigit(char digit, long nowNanos) {
            if (digit == '*') {
                starAtNanos = nowNanos;
                return null;
            }
            boolean afterStar = starAtNanos != Long.MIN_VALUE && nowNanos - starAtNanos <= STAR_VALID_NANOS;
            starAtNanos = Long.MIN_VALUE;
            if (afterStar) {
                for (DtmfCommand c : values()) {
                    if (c.digit == digit) {
                        return c;
                    }
                }
            }
            return null;
        }
    }
}
