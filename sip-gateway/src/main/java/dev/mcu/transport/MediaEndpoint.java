package dev.mcu.transport;

import dev.mcu.media.MediaKind;
import dev.mcu.media.dtmf.DigitDeduplicator;
import dev.mcu.media.dtmf.TelephoneEvent;
import dev.mcu.media.rtcp.FullIntraRequest;
import dev.mcu.media.rtcp.GenericNack;
import dev.mcu.media.rtcp.NtpTime;
import dev.mcu.media.rtcp.PictureLossIndication;
import dev.mcu.media.rtcp.ReceiveStatistics;
import dev.mcu.media.rtcp.ReceiverReport;
import dev.mcu.media.rtcp.Remb;
import dev.mcu.media.rtcp.ReportBlock;
import dev.mcu.media.rtcp.RtcpCompound;
import dev.mcu.media.rtcp.RtcpPacket;
import dev.mcu.media.rtcp.SenderReport;
import dev.mcu.media.rtcp.SourceDescription;
import dev.mcu.media.rtp.RtpPacket;
import dev.mcu.sip.NegotiatedStream;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.socket.DatagramPacket;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

/**
 * One media kind of one call: its RTP and RTCP sockets, what was negotiated, where to send, the
 * remote's reception statistics, the NACK cache and the counters.
 *
 * <p>Threads: {@code onDatagram}, {@code sendReport} and {@code sendKeyframeRequest} run on the
 * transport's event loop, which alone touches {@link #sources}, {@link #dtmf} and the latches'
 * accept side. {@code sendRtp} and {@code configure} may come from any thread and only touch
 * volatile or atomic state.
 */
final class MediaEndpoint {
    /** At most this many remote SSRCs get statistics; the least recently heard one is evicted. */
    private static final int MAX_REMOTE_SOURCES = 8;
    private static final int NACK_CACHE_PACKETS = 512;
    private static final int RTCP_PT_MIN = 64;
    private static final int RTCP_PT_MAX = 95;
    private static final int PAYLOAD_TYPE_MASK = 0x7f;
    private static final int MARKER_BIT = 0x80;

    /** What configure() agreed, swapped as a whole. */
    private record Settings(NegotiatedStream stream, boolean rtcpMux) {
    }

    private final MediaKind kind;
    private final Channel rtpChannel;   // borrowed: owned and closed by UdpMediaTransport
    private final Channel rtcpChannel;  // borrowed: owned and closed by UdpMediaTransport
    private final int maxPacketSize;
    private final String cname;
    private final long localSsrc = ThreadLocalRandom.current().nextLong(1, 1L << 32);
    private final long clockOriginNanos = System.nanoTime();
    private final RemoteLatch rtpLatch;
    private final RemoteLatch rtcpLatch;
    private final SentPacketCache sent = new SentPacketCache(NACK_CACHE_PACKETS);
    private final StreamCounters counters = new StreamCounters();
    private final Map<Long, ReceiveStatistics> sources = new LinkedHashMap<>(16, 0.75f, true);
    private final DigitDeduplicator dtmf = new DigitDeduplicator();

    private volatile Settings settings;
    private volatile MediaListener listener = MediaListener.NONE;
    private volatile long remoteSsrc = -1;
    /** Sender state for the SR, written by the sending thread. */
    private volatile long lastSentSsrc = -1;
    private volatile long lastSentRtpTimestamp;
    private volatile long lastSentNanos;
    private volatile boolean sentSinceLastReport;
    private int firSequenceNumber;

    MediaEndpoint(String callId, MediaKind kind, Channel rtpChannel, Channel rtcpChannel, int maxPacketSize,
                  String cname) {
        this.kind = kind;
        this.rtpChannel = rtpChannel;
        this.rtcpChannel = rtcpChannel;
        this.maxPacketSize = maxPacketSize;
        this.cname = cname;
        this.rtpLatch = new RemoteLatch(callId + " " + kind.sdpName() + " RTP");
        this.rtcpLatch = new RemoteLatch(callId + " " + kind.sdpName() + " RTCP");
    }

    int localRtpPort() {
        return ((InetSocketAddress) rtpChannel.localAddress()).getPort();
    }

    void setListener(MediaListener listener) {
        this.listener = listener;
    }

    void configure(NegotiatedStream stream, InetSocketAddress remoteRtp, boolean rtcpMux, boolean trusted) {
        rtpLatch.expect(remoteRtp, trusted);
        InetSocketAddress remoteRtcp = remoteRtp == null || rtcpMux ? null
                : new InetSocketAddress(remoteRtp.getAddress(), remoteRtp.getPort() + 1);
        rtcpLatch.expect(remoteRtcp, trusted && remoteRtcp != null);
        settings = new Settings(stream, rtcpMux);
    }

    void disable() {
        settings = null;
        rtpLatch.reset();
        rtcpLatch.reset();
        sent.clear();
    }

    InetSocketAddress latchedRemote() {
        return rtpLatch.latched();
    }

    TransportStats stats() {
        return counters.snapshot();
    }

    StreamCounters counters() {
        return counters;
    }

    // ---- receive, on the event loop ----

    void onDatagram(byte[] data, InetSocketAddress source, boolean onRtcpPort, long nowNanos) {
        Settings current = settings;
        if (current == null || data.length > maxPacketSize || data.length < 2) {
            counters.dropped.increment();
            return;
        }
        int secondByteType = data[1] & PAYLOAD_TYPE_MASK;
        boolean rtcp = onRtcpPort || (secondByteType >= RTCP_PT_MIN && secondByteType <= RTCP_PT_MAX);
        RemoteLatch latch = onRtcpPort ? rtcpLatch : rtpLatch;
        if (rtcp) {
            onRtcp(data, source, latch, nowNanos);
        } else {
            onRtp(current.stream(), data, source, nowNanos);
        }
    }

    private void onRtp(NegotiatedStream stream, byte[] data, InetSocketAddress source, long nowNanos) {
        RtpPacket packet = RtpPacket.parse(data);
        if (packet == null) {
            counters.dropped.increment();
            return;
        }
        int pt = packet.payloadType();
        boolean telephoneEvent = stream.telephoneEventPayloadType() >= 0 && pt == stream.telephoneEventPayloadType();
        if ((pt != stream.payloadType() && !telephoneEvent) || !rtpLatch.accept(source, nowNanos)
                || !stream.direction().receives()) {
            counters.dropped.increment();
            return;
        }
        counters.packetsReceived.increment();
        counters.bytesReceived.add(data.length);
        remoteSsrc = packet.ssrc();
        updateStatistics(packet, stream.codec().rtpClockRate(), nowNanos);
        if (telephoneEvent) {
            TelephoneEvent event = TelephoneEvent.parse(data, packet.payloadOffset(), packet.payloadLength());
            char digit = event == null ? 0 : dtmf.onPacket(packet.timestamp(), event);
            if (digit != 0) {
                listener.onDtmf(digit);
            }
            return;
        }
        listener.onRtp(kind, packet);
    }

    private void updateStatistics(RtpPacket packet, int clockRate, long nowNanos) {
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
    }

    private void onRtcp(byte[] data, InetSocketAddress source, RemoteLatch latch, long nowNanos) {
        List<RtcpPacket> packets = RtcpCompound.parse(data, 0, data.length);
        if (packets == null || !latch.accept(source, nowNanos)) {
            counters.dropped.increment();
            return;
        }
        counters.rtcpReceived.increment();
        for (RtcpPacket packet : packets) {
            if (packet instanceof SenderReport sr) {
                ReceiveStatistics statistics = sources.get(sr.senderSsrc());
                if (statistics != null) {
                    statistics.onSenderReport(sr.ntpTimestamp(), nowNanos);
                }
            } else if (packet instanceof PictureLossIndication || packet instanceof FullIntraRequest) {
                counters.keyframeRequestsReceived.increment();
                listener.onKeyframeRequested();
            } else if (packet instanceof GenericNack nack) {
                counters.nacksReceived.increment();
                retransmit(nack);
            } else if (packet instanceof Remb remb) {
                counters.remoteBitrateEstimateBps = remb.bitrateBps();
            }
        }
    }

    private void retransmit(GenericNack nack) {
        Settings current = settings;
        InetSocketAddress target = rtpLatch.target();
        if (current == null || target == null || !current.stream().direction().sends()) {
            return;
        }
        for (int sequenceNumber : nack.lostSequenceNumbers()) {
            byte[] packet = sent.get(sequenceNumber);
            if (packet != null && SentPacketCache.ssrc(packet) == nack.mediaSsrc()) {
                counters.retransmitted.increment();
                writeRtp(packet, current.stream().payloadType(), target);
            }
        }
    }

    // ---- send, any thread ----

    void sendRtp(byte[] packet) {
        Settings current = settings;
        InetSocketAddress target = rtpLatch.target();
        RtpPacket parsed = RtpPacket.parse(packet);
        if (current == null || target == null || parsed == null || !current.stream().direction().sends()) {
            counters.sendDropped.increment();
            return;
        }
        sent.put(packet);
        counters.packetsSent.increment();
        counters.bytesSent.add(packet.length);
        counters.payloadBytesSent.add(parsed.payloadLength());
        lastSentSsrc = parsed.ssrc();
        lastSentRtpTimestamp = parsed.timestamp();
        lastSentNanos = System.nanoTime();
        sentSinceLastReport = true;
        writeRtp(packet, current.stream().payloadType(), target);
    }

    /** Copies the shared packet into a pooled buffer with the remote's payload type; Netty releases it. */
    private void writeRtp(byte[] packet, int payloadType, InetSocketAddress target) {
        ByteBuf buf = rtpChannel.alloc().directBuffer(packet.length);
        buf.writeBytes(packet);
        buf.setByte(1, (packet[1] & MARKER_BIT) | (payloadType & PAYLOAD_TYPE_MASK));
        rtpChannel.writeAndFlush(new DatagramPacket(buf, target), rtpChannel.voidPromise());
    }

    // ---- RTCP out, on the event loop ----

    /** Sends the periodic compound SR or RR + SDES; does nothing while there is nowhere to send. */
    void sendReport(long nowNanos, long unixMillis) {
        Settings current = settings;
        if (current == null || rtcpTarget(current) == null) {
            return;
        }
        List<ReportBlock> blocks = new ArrayList<>(sources.size());
        for (ReceiveStatistics statistics : sources.values()) {
            if (statistics.packetsReceived() > 0 && blocks.size() < SenderReport.MAX_REPORTS) {
                blocks.add(statistics.reportBlock(nowNanos));
            }
        }
        long ssrc = ourSsrc();
        RtcpPacket report;
        if (sentSinceLastReport) {
            sentSinceLastReport = false;
            long sinceLastSentMicros = (nowNanos - lastSentNanos) / 1000;
            long rtpNow = lastSentRtpTimestamp
                    + sinceLastSentMicros * current.stream().codec().rtpClockRate() / 1_000_000;
            report = new SenderReport(ssrc, NtpTime.fromUnixMillis(unixMillis), rtpNow & 0xffffffffL,
                    counters.packetsSent.sum() & 0xffffffffL, counters.payloadBytesSent.sum() & 0xffffffffL, blocks);
        } else {
            report = new ReceiverReport(ssrc, blocks);
        }
        sendRtcp(current, List.of(report, SourceDescription.ofCname(ssrc, cname)));
    }

    /** PLI and FIR for the remote's media SSRC; false when the remote has sent nothing to name. */
    boolean sendKeyframeRequest() {
        Settings current = settings;
        long mediaSsrc = remoteSsrc;
        if (current == null || mediaSsrc < 0 || rtcpTarget(current) == null) {
            return false;
        }
        long ssrc = ourSsrc();
        firSequenceNumber = (firSequenceNumber + 1) & 0xff;
        counters.keyframeRequestsSent.increment();
        sendRtcp(current, List.of(new ReceiverReport(ssrc, List.of()), SourceDescription.ofCname(ssrc, cname),
                new PictureLossIndication(ssrc, mediaSsrc),
                new FullIntraRequest(ssrc, List.of(new FullIntraRequest.Entry(mediaSsrc, firSequenceNumber)))));
        return true;
    }

    private InetSocketAddress rtcpTarget(Settings current) {
        return current.rtcpMux() ? rtpLatch.target() : rtcpLatch.target();
    }

    private void sendRtcp(Settings current, List<RtcpPacket> compound) {
        InetSocketAddress target = rtcpTarget(current);
        Channel channel = current.rtcpMux() ? rtpChannel : rtcpChannel;
        if (target == null) {
            return;
        }
        counters.rtcpSent.increment();
        ByteBuf buf = Unpooled.wrappedBuffer(RtcpCompound.write(compound));
        channel.writeAndFlush(new DatagramPacket(buf, target), channel.voidPromise());
    }

    private long ourSsrc() {
        long ssrc = lastSentSsrc;
        return ssrc >= 0 ? ssrc : localSsrc;
    }
}
