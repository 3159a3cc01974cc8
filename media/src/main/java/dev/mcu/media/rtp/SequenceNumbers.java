package dev.mcu.media.rtp;

/**
 * 16-bit RTP sequence number arithmetic (RFC 3550 §A.1, RFC 1982 serial numbers). Pure functions
 * plus {@link Unwrapper}, which turns the 16-bit numbers of one stream into a monotonic long.
 */
public final class SequenceNumbers {
    public static final int MODULUS = 1 << 16;
    public static final int MASK = MODULUS - 1;

    private SequenceNumbers() {
    }

    /**
     * Signed distance {@code a - b} on the 16-bit circle, in [-32768, 32767]. Exactly half a circle
     * apart is ambiguous and comes out as -32768.
     */
    public static int diff(int a, int b) {
        return (short) (a - b);
    }

    /** True when {@code a} comes after {@code b}, taking wrap-around into account. */
    public static boolean isNewer(int a, int b) {
        return diff(a, b) > 0;
    }

    /** The sequence number after {@code seq}. */
    public static int next(int seq) {
        return (seq + 1) & MASK;
    }

    /**
     * Extends 16-bit sequence numbers to a long: {@code cycles * 65536 + seq}, as RFC 3550 §A.1
     * counts cycles for the extended highest sequence number in receiver reports. Each number is
     * placed at the extension closest to the highest one seen so far, so packets reordered across
     * a wrap land on the right cycle. A packet older than the very first one may come out negative.
     *
     * <p>Not thread-safe: one per stream, used by the thread that receives that stream.
     */
    public static final class Unwrapper {
        private long highest;
        private boolean started;

        /** Extends {@code seq} and remembers it when it is the newest so far. */
        public long unwrap(int seq) {
            long extended = peek(seq);
            if (!started || extended > highest) {
                highest = extended;
                started = true;
            }
            return extended;
        }

        /** What {@link #unwrap} would return, without changing any state. */
        public long peek(int seq) {
            if (!started) {
                return seq & MASK;
            }
            return highest + diff(seq & MASK, (int) (highest & MASK));
        }

        /** The highest extended sequence number seen, or -1 before the first packet. */
        public long highest() {
            return started ? highest : -1;
        }

        /** Completed 16-bit wrap-arounds of the highest sequence number (RFC 3550 "cycles"). */
        public int cycles() {
            return started ? (int) (highest >> 16) : 0;
        }

        public boolean started() {
            return started;
        }

        /** Forgets the stream; the next packet starts at cycle 0 again. */
        public void reset() {
            started = false;
            highest = 0;
        }
    }
}
