package dev.mcu.transport;

import dev.mcu.media.rtcp.NtpTime;
import dev.mcu.media.rtcp.ReceiveStatistics;
import dev.mcu.media.rtcp.ReceiverReport;
import dev.mcu.media.rtcp.ReportBlock;
import dev.mcu.media.rtcp.RtcpPacket;
import dev.mcu.media.rtcp.SenderReport;
import dev.mcu.media.rtp.RtpPacket;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The RTCP report of one stream (RFC 3550 §6.4): reception statistics per remote SSRC (at most
 * {@value #MAX_REMOTE_SOURCES}, the least recently heard evicted) and our sender state, made into an
 * SR when we sent since the last report and an RR otherwise.
 *
 * <p>Threads: {@link #onSent} from the sending thread (volatile fields); everything else on the
 * transport's event loop, which alone touches the statistics.
 */
final class ReceptionReports {
    static final int MAX_REMOTE_SOURCES = 8;

    private final StreamCounters counters;
    private final long clockOriginNanos = System.nanoTime();
    private final Map<Long, ReceiveStatistics> sources = new LinkedHashMap<>(16, 0.75f, true);
    private volatile long lastSentSsrc = -1;
    private volatile long lastSentRtpTimestamp;
    private volatile long lastSentNanos;
    private volatile boolean sentSinceLastReport;

    ReceptionReports(StreamCounters counters) {
        this.counters = counters;
    }

    /** A packet we sent: the next report is an SR that places it on the wall clock. */
    void onSent(long ssrc, long rtpTimestamp, long nowNanos) {
        lastSentSsrc = ssrc;
        lastSentRtpTimestamp = rtpTimestamp;
        lastSentNanos = nowNanos;
        sentSinceLastReport = true;
    }

    /** The SSRC we last sent under, or -1 before the first packet. */
    long lastSentSsrc() {
        return lastSentSsrc;
    }

    void onReceived(RtpPacket packet, int clockRate, long nowNanos) {
        ReceiveStatistics statistics = sources.get(packet.ssrc());
        if (statistics == null) {
            if (sources.size() >= MAX_REMOTE_SOURCES) {
                Iterator<Long> eldest = sources.keySet().iterator();
                eldest.next();
                eldest.remove();
            }
            statistics = new ReceiveStatistics(packet.ssrc());
            sources.put(packet.ssrc(), statistics);
        }
        long elapsedMicros = (nowNanos - clockOriginNanos) / 1000;
        statistics.onRtp(packet.sequenceNumber(), packet.timestamp(), elapsedMicros * clockRate / 1_000_000);
        counters.packetsLost = statistics.cumulativeLost();
        counters.jitter = statistics.jitter();
        counters.reordered = statistics.reordered();
    }

    void onSenderReport(SenderReport sr, long nowNanos) {
        ReceiveStatistics statistics = sources.get(sr.senderSsrc());
        if (statistics != null) {
            statistics.onSenderReport(sr.ntpTimestamp(), nowNanos);
        }
    }

    /** How the remote receives what we send: its loss figure steers the bit rate of our output. */
    void noteReportsAboutUs(List<ReportBlock> blocks) {
        long ours = lastSentSsrc;
        for (ReportBlock block : blocks) {
            if (block.ssrc() == ours) {
                counters.remoteFractionLost = block.fractionLost();
            }
        }
    }

    /** An SR when we sent since the last report, else an RR; with a block per remote source heard. */
    RtcpPacket report(long ssrc, int clockRate, long nowNanos, long unixMillis) {
        List<ReportBlock> blocks = new ArrayList<>(sources.size());
        for (ReceiveStatistics statistics : sources.values()) {
            if (statistics.packetsReceived() > 0 && blocks.size() < SenderReport.MAX_REPORTS) {
                blocks.add(statistics.reportBlock(nowNanos));
            }
        }
        if (!sentSinceLastReport) {
            return new ReceiverReport(ssrc, blocks);
        }
        sentSinceLastReport = false;
        long sinceLastSentMicros = (nowNanos - lastSentNanos) / 1000;
        long rtpNow = lastSentRtpTimestamp + sinceLastSentMicros * clockRate / 1_000_000;
        return new SenderReport(ssrc, NtpTime.fromUnixMillis(unixMillis), rtpNow & 0xffffffffL,
                counters.packetsSent.sum() & 0xffffffffL, counters.payloadBytesSent.sum() & 0xffffffffL, blocks);
    }
}
