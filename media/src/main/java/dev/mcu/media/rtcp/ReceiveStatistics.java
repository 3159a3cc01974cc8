package dev.mcu.media.rtcp;

/**
 * Reception statistics of one remote RTP source (one SSRC), as RFC 3550 Appendix A computes them:
 * extended highest sequence number and loss (A.1, A.3), interarrival jitter (A.8), and the LSR/DLSR
 * of the last sender report received. Produces the {@link ReportBlock} our SR/RR carries.
 *
 * <p>Not thread-safe: the transport's event loop owns it. Times are passed in (no clock inside):
 * arrival in RTP clock units for jitter, a monotonic nanosecond clock for DLSR.
 */
public final class ReceiveStatistics {
    private static final int SEQ_MOD = 1 << 16;
    private static final int MAX_DROPOUT = 3000;
    private static final int MAX_MISORDER = 100;
    /** DLSR is 16.16 fixed-point seconds: clamp before scaling so the product cannot overflow. */
    private static final long MAX_DLSR_NANOS = 65_535L * 1_000_000_000L;

    private final long ssrc;
    private boolean initialized;
    private int maxSeq;
    private long cycles;
    private long baseSeq;
    private int badSeq = SEQ_MOD + 1;
    private long received;
    private long reordered;
    private long expectedPrior;
    private long receivedPrior;
    private int lastTransit;
    /** Jitter scaled by 16, as in the integer version of RFC 3550 A.8. */
    private long jitterQ4;
    private long lastSrMiddle32;
    private long lastSrArrivalNanos;
    private boolean haveSr;

    public ReceiveStatistics(long ssrc) {
        this.ssrc = ssrc;
    }

    /**
     * Accounts one received packet. Returns {@code false} (and counts nothing) for a packet whose
     * sequence number jumps too far: two such in a row mean the source restarted, and the second is
     * accepted as the new base (A.1).
     *
     * @param arrivalRtpUnits the arrival time in the stream's RTP clock units (any origin)
     */
    public boolean onRtp(int sequenceNumber, long rtpTimestamp, long arrivalRtpUnits) {
        int seq = sequenceNumber & 0xffff;
        if (!initialized) {
            restart(seq);
        } else {
            int delta = (seq - maxSeq) & 0xffff;
            if (delta < MAX_DROPOUT) {
                if (seq < maxSeq) {
                    cycles += SEQ_MOD;
                }
                maxSeq = seq;
            } else if (delta <= SEQ_MOD - MAX_MISORDER) {
                if (seq != badSeq) {
                    badSeq = (seq + 1) & 0xffff;
                    return false;
                }
                restart(seq);
            }
            if (delta > SEQ_MOD - MAX_MISORDER || delta == 0) {
                reordered++; // behind the highest sequence seen, or a duplicate: counted, sequence state unchanged
            }
        }
        received++;
        updateJitter(rtpTimestamp, arrivalRtpUnits);
        return true;
    }

    private void restart(int seq) {
        boolean first = !initialized;
        initialized = true;
        maxSeq = seq;
        baseSeq = seq;
        cycles = 0;
        badSeq = SEQ_MOD + 1;
        received = 0;
        expectedPrior = 0;
        receivedPrior = 0;
        if (first) {
            jitterQ4 = 0;
        }
        lastTransit = Integer.MIN_VALUE;
    }

    private void updateJitter(long rtpTimestamp, long arrivalRtpUnits) {
        int transit = (int) (arrivalRtpUnits - rtpTimestamp);
        if (lastTransit != Integer.MIN_VALUE) {
            int d = Math.abs(transit - lastTransit);
            jitterQ4 += d - ((jitterQ4 + 8) >> 4);
        }
        lastTransit = transit;
    }

    /** Records a sender report from this source for the LSR/DLSR fields of our next report. */
    public void onSenderReport(long ntpTimestamp, long arrivalNanos) {
        lastSrMiddle32 = NtpTime.middle32(ntpTimestamp);
        lastSrArrivalNanos = arrivalNanos;
        haveSr = true;
    }

    public long ssrc() {
        return ssrc;
    }

    /** Packets that arrived after a later one of the stream, or twice. */
    public long reordered() {
        return reordered;
    }

    public long packetsReceived() {
        return received;
    }

    /** Cycles (wraps) in the high 16 bits, highest sequence number in the low 16 bits. */
    public long extendedHighestSequence() {
        return cycles + maxSeq;
    }

    public long expected() {
        return initialized ? extendedHighestSequence() - baseSeq + 1 : 0;
    }

    /** Packets expected minus packets received; negative when duplicates arrived. */
    public long cumulativeLost() {
        return expected() - received;
    }

    /** Interarrival jitter in RTP clock units. */
    public long jitter() {
        return jitterQ4 >> 4;
    }

    /**
     * The report block for this source, and the start of a new reporting interval: the fraction
     * lost covers the packets since the previous call.
     */
    public ReportBlock reportBlock(long nowNanos) {
        long expected = expected();
        long expectedInterval = expected - expectedPrior;
        long receivedInterval = received - receivedPrior;
        expectedPrior = expected;
        receivedPrior = received;
        long lostInterval = expectedInterval - receivedInterval;
        int fraction = expectedInterval == 0 || lostInterval <= 0 ? 0 : (int) ((lostInterval << 8) / expectedInterval);
        long lost = Math.max(ReportBlock.MIN_CUMULATIVE_LOST, Math.min(ReportBlock.MAX_CUMULATIVE_LOST, cumulativeLost()));
        long dlsr = 0;
        if (haveSr) {
            long elapsed = Math.min(MAX_DLSR_NANOS, Math.max(0, nowNanos - lastSrArrivalNanos));
            dlsr = Math.min(0xffffffffL, elapsed * 65536 / 1_000_000_000L);
        }
        return new ReportBlock(ssrc, Math.min(fraction, 255), (int) lost, extendedHighestSequence() & 0xffffffffL,
                jitter() & 0xffffffffL, haveSr ? lastSrMiddle32 : 0, dlsr);
    }
}
