package dev.mcu.transport;

import dev.mcu.media.rtp.RtpPacket;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.InetSocketAddress;

/**
 * Where one local socket sends: symmetric RTP (RFC 4961) with anti-reflection and strict latching.
 * Until the remote's first valid packet arrives, the target is the SDP address only if it was
 * trusted; afterwards it is that packet's real source (a phone behind NAT sends from elsewhere than
 * its SDP says). The latch then holds, however long the source stays silent: it moves only to a
 * source that continues the latched stream, i.e. sends {@link #MOVE_AFTER_PACKETS} consecutive
 * packets with the latched SSRC whose sequence numbers follow the latest one heard (a phone whose
 * NAT binding changed). Anything else from another source is refused and counted, so knowing the
 * port and payload type is not enough to take a stream over (as Asterisk's {@code strictrtp}).
 *
 * <p>RTCP carries no sequence number: an RTCP latch of its own (no rtcp-mux) moves only to a
 * source on the host the RTP latch now points at whose report names the remote's RTP SSRC.
 *
 * <p>{@link #acceptRtp} and {@link #acceptRtcp} run on the transport's event loop; {@link #target}
 * is read by any thread.
 */
final class RemoteLatch {
    private static final Logger log = LoggerFactory.getLogger(RemoteLatch.class);
    /** Consecutive packets a new source must send before the latch follows it (Asterisk learns with 4). */
    static final int MOVE_AFTER_PACKETS = 3;
    /** How far ahead of the latest heard sequence number a moved stream may resume (RFC 3550 MAX_DROPOUT). */
    static final int MAX_SEQUENCE_JUMP = 3000;
    private static final int SEQUENCE_MASK = 0xffff;

    private final String name;
    private volatile InetSocketAddress sdpAddress;
    private volatile boolean sdpTrusted;
    private volatile InetSocketAddress latched;
    /** The latched stream, event loop only: its SSRC (-1 until an RTP packet) and latest sequence number. */
    private long ssrc = -1;
    private int highestSequence;
    /** A source trying to continue the stream from elsewhere, event loop only. */
    private InetSocketAddress candidate;
    private int candidateNextSequence;
    private int candidatePackets;
    /** The last refused source that was logged, so a flood logs one line. */
    private InetSocketAddress lastLoggedRefusal;

    /** @param name for the log line, e.g. "call-id audio RTP" */
    RemoteLatch(String name) {
        this.name = name;
    }

    /** What offer/answer said; a changed address forgets the latch so the next packet latches anew. */
    void expect(InetSocketAddress sdp, boolean trusted) {
        if (sdp == null || !sdp.equals(sdpAddress)) {
            forget();
        }
        sdpAddress = sdp;
        sdpTrusted = trusted && sdp != null;
    }

    void reset() {
        forget();
        sdpAddress = null;
        sdpTrusted = false;
    }

    private void forget() {
        latched = null;
        ssrc = -1;
        candidate = null;
        lastLoggedRefusal = null;
    }

    /** Decides whether a valid RTP packet from {@code source} is taken; latches on the first one. */
    boolean acceptRtp(InetSocketAddress source, RtpPacket packet) {
        InetSocketAddress current = latched;
        int sequence = packet.sequenceNumber();
        if (current == null || source.equals(current)) {
            if (current == null) {
                latch(source, "latched to");
            }
            if (packet.ssrc() != ssrc || isAhead(sequence, highestSequence)) {
                highestSequence = sequence;
            }
            ssrc = packet.ssrc();
            return true;
        }
        if (!continuesStream(packet.ssrc(), sequence)) {
            refuse(source, current, "neither continues SSRC " + Long.toHexString(ssrc) + " nor its sequence");
            return false;
        }
        if (source.equals(candidate) && sequence == candidateNextSequence) {
            candidatePackets++;
        } else {
            candidate = source;
            candidatePackets = 1;
        }
        candidateNextSequence = (sequence + 1) & SEQUENCE_MASK;
        if (candidatePackets < MOVE_AFTER_PACKETS) {
            return false;
        }
        latch(source, "moved from " + current + " to");
        highestSequence = sequence;
        return true;
    }

    /**
     * Decides whether a valid RTCP compound from {@code source} is taken; latches on the first one.
     *
     * @param senderSsrc the compound's first sender SSRC
     * @param rtp        the RTP latch of the same stream, or this latch itself with rtcp-mux
     */
    boolean acceptRtcp(InetSocketAddress source, long senderSsrc, RemoteLatch rtp) {
        InetSocketAddress current = latched;
        if (current == null || source.equals(current)) {
            if (current == null) {
                latch(source, "latched to");
            }
            return true;
        }
        InetSocketAddress rtpSource = rtp.latched;
        if (rtp != this && rtpSource != null && rtpSource.getAddress().equals(source.getAddress())
                && senderSsrc == rtp.ssrc && senderSsrc >= 0) {
            latch(source, "moved from " + current + " to");
            return true;
        }
        refuse(source, current, "it does not report for the latched RTP stream");
        return false;
    }

    private boolean continuesStream(long packetSsrc, int sequence) {
        if (ssrc < 0 || packetSsrc != ssrc) {
            return false;
        }
        int ahead = (sequence - highestSequence) & SEQUENCE_MASK;
        return ahead > 0 && ahead <= MAX_SEQUENCE_JUMP;
    }

    private static boolean isAhead(int sequence, int reference) {
        int ahead = (sequence - reference) & SEQUENCE_MASK;
        return ahead > 0 && ahead < 0x8000;
    }

    private void latch(InetSocketAddress source, String what) {
        log.info("{} {} {} (SDP said {}{})", name, what, source, sdpAddress, sdpTrusted ? "" : ", not trusted");
        latched = source;
        candidate = null;
        lastLoggedRefusal = null;
    }

    private void refuse(InetSocketAddress source, InetSocketAddress current, String why) {
        if (!source.equals(lastLoggedRefusal)) {
            lastLoggedRefusal = source;
            log.warn("{}: refused packets from {}, which {}; the stream stays latched to {} "
                    + "(a stream hijack attempt or a stray sender; further refusals are only counted)",
                    name, source, why, current);
        }
        if (source.equals(candidate)) {
            candidate = null;
        }
    }

    /** Where to send now, or {@code null} when nothing may be sent yet. */
    InetSocketAddress target() {
        InetSocketAddress current = latched;
        if (current != null) {
            return current;
        }
        return sdpTrusted ? sdpAddress : null;
    }

    InetSocketAddress latched() {
        return latched;
    }
}
