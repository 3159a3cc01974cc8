package dev.mcu.transport;

import dev.mcu.media.MediaKind;
import dev.mcu.media.dtmf.DigitDeduplicator;
import dev.mcu.media.dtmf.TelephoneEvent;
import dev.mcu.media.rtcp.FullIntraRequest;
import dev.mcu.media.rtcp.GenericNack;
import dev.mcu.media.rtcp.PictureLossIndication;
import dev.mcu.media.rtcp.ReceiverReport;
import dev.mcu.media.rtcp.Remb;
import dev.mcu.media.rtcp.RtcpCompound;
import dev.mcu.media.rtcp.RtcpPacket;
import dev.mcu.media.rtcp.SenderReport;
import dev.mcu.media.rtcp.SourceDescription;
import dev.mcu.media.rtp.AbsSendTime;
import dev.mcu.media.rtp.RtpPacket;
import dev.mcu.media.NegotiatedStream;

import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/**
 * One media kind of one call: what was negotiated, where to send, and the counters; it routes each
 * packet to the part whose job it is: the {@link RemoteLatch}es (who may send to us, where we
 * send), {@link ReceptionReports} (statistics and our SR/RR), {@link NackResponder} (the sent cache
 * and retransmissions) and {@link KeyframeRequests} (PLI/FIR). It writes through a
 * {@link PacketOutput} (plain sockets, or SRTP on the shared WebRTC port) and reads clear packets
 * its owner hands in.
 *
 * <p>Threads: {@code onDatagram}, {@code sendReport} and {@code sendKeyframeRequest} run on the
 * transport's event loop, which alone touches the reception statistics, {@link #dtmf} and the
 * latches' accept side. {@code sendRtp} and {@code configure} may come from any thread and only
 * touch volatile or atomic state, and the {@link OutgoingSequence} (its own lock).
 */
public final class MediaEndpoint {
    private static final int RTCP_PT_MIN = 64;
    private static final int RTCP_PT_MAX = 95;
    private static final int PAYLOAD_TYPE_MASK = 0x7f;

    /** What configure() agreed, swapped as a whole. */
    private record Settings(NegotiatedStream stream, boolean rtcpMux) {
    }

    private final MediaKind kind;
    private final PacketOutput output;  // borrowed: its sockets belong to the transport
    /** The SSRC every sent packet gets, or -1 to keep the packetizer's. */
    private final long outgoingSsrc;
    private final int maxPacketSize;
    private final String cname;
    private final long localSsrc = ThreadLocalRandom.current().nextLong(1, 1L << 32);
    private final RemoteLatch rtpLatch;
    private final RemoteLatch rtcpLatch;
    private final StreamCounters counters = new StreamCounters();
    private final ReceptionReports reports = new ReceptionReports(counters);
    private final NackResponder nacks;
    private final OutgoingSequence outgoing;
    private final KeyframeRequests keyframeRequests;
    private final DigitDeduplicator dtmf = new DigitDeduplicator();

    private volatile Settings settings;
    private volatile MediaListener listener = MediaListener.NONE;
    private volatile long remoteSsrc = -1;

    /**
     * @param outgoingSsrc the SSRC to write into every sent packet (WebRTC announces it in a=ssrc),
     *                     or -1 to send the packetizer's SSRC unchanged (video: the first packetizer's,
     *                     kept when an output ladder moves the receiver to another layer)
     */
    public MediaEndpoint(String callId, MediaKind kind, PacketOutput output, int maxPacketSize, String cname,
                         long outgoingSsrc) {
        this.kind = kind;
        this.output = output;
        this.outgoingSsrc = outgoingSsrc;
        this.maxPacketSize = maxPacketSize;
        this.cname = cname;
        this.rtpLatch = new RemoteLatch(callId + " " + kind.sdpName() + " RTP");
        this.rtcpLatch = new RemoteLatch(callId + " " + kind.sdpName() + " RTCP");
        this.nacks = new NackResponder(output, counters);
        this.outgoing = new OutgoingSequence(outgoingSsrc, kind == MediaKind.VIDEO);
        this.keyframeRequests = new KeyframeRequests(cname);
    }

    public MediaKind kind() {
        return kind;
    }

    public void setListener(MediaListener listener) {
        this.listener = listener;
    }

    public void configure(NegotiatedStream stream, InetSocketAddress remoteRtp, boolean rtcpMux, boolean trusted) {
        rtpLatch.expect(remoteRtp, trusted);
        InetSocketAddress remoteRtcp = remoteRtp == null || rtcpMux ? null
                : new InetSocketAddress(remoteRtp.getAddress(), remoteRtp.getPort() + 1);
        rtcpLatch.expect(remoteRtcp, trusted && remoteRtcp != null);
        settings = new Settings(stream, rtcpMux);
    }

    public void disable() {
        settings = null;
        rtpLatch.reset();
        rtcpLatch.reset();
        nacks.forget();
    }

    /** What was negotiated, or {@code null} while disabled. */
    public NegotiatedStream stream() {
        Settings current = settings;
        return current == null ? null : current.stream();
    }

    /** Whether an RTP packet with this payload type belongs to this stream (its codec or telephone-event). */
    public boolean carriesPayloadType(int payloadType) {
        Settings current = settings;
        return current != null && (current.stream().payloadType() == payloadType
                || (current.stream().telephoneEventPayloadType() >= 0
                    && current.stream().telephoneEventPayloadType() == payloadType));
    }

    /** Whether {@code ssrc} is the remote's media source or our own sending source on this stream. */
    public boolean knowsSsrc(long ssrc) {
        return ssrc == remoteSsrc || ssrc == ourSsrc();
    }

    /**
     * Retransmits NACKed packets as RFC 4588 rtx packets (own payload type, SSRC and sequence
     * numbers, original sequence number first in the payload) instead of resending them as they were;
     * -1 turns it off.
     */
    public void useRtx(int payloadType, long ssrc) {
        nacks.useRtx(payloadType, ssrc);
    }

    public int rtxPayloadType() {
        return nacks.rtxPayloadType();
    }

    /** Counts a packet its owner threw away before it reached this stream (bad SRTP, too early...). */
    public void countDropped(ReceiveDrop reason) {
        counters.drop(reason);
    }

    public InetSocketAddress latchedRemote() {
        return rtpLatch.latched();
    }

    public TransportStats stats() {
        return counters.snapshot();
    }

    /** The remote's last REMB estimate in bits/s, 0 when it sent none. */
    public long remoteBitrateEstimateBps() {
        return counters.remoteBitrateEstimateBps;
    }

    /** Counts a keyframe request the owner's rate limit swallowed. */
    public void countKeyframeRequestSuppressed() {
        counters.keyframeRequestsSuppressed.increment();
    }

    StreamCounters counters() {
        return counters;
    }

    // ---- receive, on the event loop ----

    public void onDatagram(byte[] data, InetSocketAddress source, boolean onRtcpPort, long nowNanos) {
        Settings current = settings;
        if (current == null) {
            counters.drop(ReceiveDrop.NOT_SET_UP);
            return;
        }
        if (data.length > maxPacketSize || data.length < 2) {
            counters.drop(ReceiveDrop.SIZE);
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
            counters.drop(ReceiveDrop.MALFORMED);
            return;
        }
        int pt = packet.payloadType();
        boolean telephoneEvent = stream.telephoneEventPayloadType() >= 0 && pt == stream.telephoneEventPayloadType();
        if (pt != stream.payloadType() && !telephoneEvent) {
            counters.drop(ReceiveDrop.WRONG_PAYLOAD_TYPE);
            return;
        }
        if (!rtpLatch.acceptRtp(source, packet)) {
            counters.drop(ReceiveDrop.OTHER_SOURCE);
            counters.otherSourceRefused.increment();
            return;
        }
        if (!stream.direction().receives()) {
            counters.drop(ReceiveDrop.NOT_RECEIVING);
            return;
        }
        counters.packetsReceived.increment();
        counters.bytesReceived.add(data.length);
        remoteSsrc = packet.ssrc();
        reports.onReceived(packet, stream.codec().rtpClockRate(), nowNanos);
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

    private void onRtcp(byte[] data, InetSocketAddress source, RemoteLatch latch, long nowNanos) {
        List<RtcpPacket> packets = RtcpCompound.parse(data, 0, data.length);
        if (packets == null) {
            counters.drop(ReceiveDrop.MALFORMED);
            return;
        }
        long senderSsrc = packets.isEmpty() ? -1 : senderSsrc(packets.get(0));
        if (!latch.acceptRtcp(source, senderSsrc, rtpLatch)) {
            counters.drop(ReceiveDrop.OTHER_SOURCE);
            counters.otherSourceRefused.increment();
            return;
        }
        counters.rtcpReceived.increment();
        for (RtcpPacket packet : packets) {
            if (packet instanceof SenderReport sr) {
                reports.onSenderReport(sr, nowNanos);
                reports.noteReportsAboutUs(sr.reports());
            } else if (packet instanceof ReceiverReport rr) {
                reports.noteReportsAboutUs(rr.reports());
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

    /** The SSRC of the sender of a compound's first packet, -1 when that packet names none (SDES, BYE). */
    private static long senderSsrc(RtcpPacket first) {
        if (first instanceof SenderReport sr) {
            return sr.senderSsrc();
        } else if (first instanceof ReceiverReport rr) {
            return rr.senderSsrc();
        } else if (first instanceof PictureLossIndication pli) {
            return pli.senderSsrc();
        } else if (first instanceof FullIntraRequest fir) {
            return fir.senderSsrc();
        } else if (first instanceof GenericNack nack) {
            return nack.senderSsrc();
        } else if (first instanceof Remb remb) {
            return remb.senderSsrc();
        }
        return -1;
    }

    private void retransmit(GenericNack nack) {
        Settings current = settings;
        InetSocketAddress target = rtpLatch.target();
        if (current == null || target == null || !current.stream().direction().sends()) {
            return;
        }
        nacks.retransmit(nack, current.stream().payloadType(), absSendTimeId(current), target);
    }

    // ---- send, any thread ----

    public void sendRtp(byte[] packet) {
        Settings current = settings;
        InetSocketAddress target = rtpLatch.target();
        RtpPacket parsed = RtpPacket.parse(packet);
        if (current == null || target == null || parsed == null || !current.stream().direction().sends()) {
            counters.sendDropped.increment();
            return;
        }
        long next = outgoing.next(parsed.ssrc(), parsed.sequenceNumber());
        int sequenceNumber = OutgoingSequence.sequenceNumber(next);
        long ssrc = OutgoingSequence.ssrc(next);
        long now = System.nanoTime();
        // abs-send-time is stamped here, after the encode and the layer's wait for its turn: Chrome's
        // estimate then reads the network's delay, not our encode jitter. The output writes it into its
        // one copy of the packet (which is shared, so never changed here).
        int absSendTimeId = absSendTimeId(current);
        int absSendTime = AbsSendTime.value(now);
        if (kind == MediaKind.VIDEO) {
            // Audio is not kept: a resent 20 ms packet comes after its playout (FEC and concealment cover
            // audio loss), and for a webinar's attendees the cache would cost an entry per send.
            nacks.remember(packet, sequenceNumber, ssrc, absSendTimeId == PacketOutput.NO_ABS_SEND_TIME ? -1 : absSendTime);
        }
        int sentLength = packet.length
                + (absSendTimeId == PacketOutput.NO_ABS_SEND_TIME ? 0 : AbsSendTime.addedBytes(packet, absSendTimeId));
        counters.packetsSent.increment();
        counters.bytesSent.add(sentLength);
        counters.payloadBytesSent.add(parsed.payloadLength());
        reports.onSent(ssrc, parsed.timestamp(), now);
        output.sendRtp(packet, current.stream().payloadType(), ssrc, sequenceNumber, absSendTimeId, absSendTime, target);
    }

    private static int absSendTimeId(Settings current) {
        return current.stream().hasAbsSendTime() ? current.stream().absSendTimeExtensionId() : PacketOutput.NO_ABS_SEND_TIME;
    }

    // ---- RTCP out, on the event loop ----

    /** Sends the periodic compound SR or RR + SDES; does nothing while there is nowhere to send. */
    public void sendReport(long nowNanos, long unixMillis) {
        Settings current = settings;
        if (current == null || rtcpTarget(current) == null) {
            return;
        }
        long ssrc = ourSsrc();
        RtcpPacket report = reports.report(ssrc, current.stream().codec().rtpClockRate(), nowNanos, unixMillis);
        sendRtcp(current, List.of(report, SourceDescription.ofCname(ssrc, cname)));
    }

    /**
     * PLI (and FIR where the answer agreed to it) for the remote's media SSRC; false when the remote
     * has sent nothing to name.
     */
    public boolean sendKeyframeRequest() {
        Settings current = settings;
        long mediaSsrc = remoteSsrc;
        if (current == null || mediaSsrc < 0 || rtcpTarget(current) == null) {
            return false;
        }
        counters.keyframeRequestsSent.increment();
        sendRtcp(current, keyframeRequests.request(ourSsrc(), mediaSsrc, current.stream().firAgreed()));
        return true;
    }

    private InetSocketAddress rtcpTarget(Settings current) {
        return current.rtcpMux() ? rtpLatch.target() : rtcpLatch.target();
    }

    private void sendRtcp(Settings current, List<RtcpPacket> compound) {
        InetSocketAddress target = rtcpTarget(current);
        if (target == null) {
            return;
        }
        counters.rtcpSent.increment();
        output.sendRtcp(RtcpCompound.write(compound), target, current.rtcpMux());
    }

    private long ourSsrc() {
        if (outgoingSsrc >= 0) {
            return outgoingSsrc;
        }
        long ssrc = reports.lastSentSsrc();
        return ssrc >= 0 ? ssrc : localSsrc;
    }
}
