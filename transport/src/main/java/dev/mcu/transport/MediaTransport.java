package dev.mcu.transport;

import dev.mcu.webrtc.SrtpMasterKey;
import dev.mcu.media.MediaKind;
import dev.mcu.media.NegotiatedStream;

import java.net.InetSocketAddress;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * The RTP/RTCP endpoint of one call: one UDP port pair per media kind (or one port with rtcp-mux).
 * It latches to where the remote's media really comes from, answers and generates RTCP
 * (SR/RR, PLI/FIR/NACK), keeps a short cache of sent packets for NACK retransmission, and counts
 * every packet it drops. Thread-safe: send methods may be called from any thread.
 */
public interface MediaTransport extends AutoCloseable {

    /** The local port for a media kind's RTP, for the SDP answer (RTCP is this + 1 unless muxed). */
    int localPort(MediaKind kind);

    /**
     * Completes once every socket behind {@link #localPort} is bound, so what the remote sends from
     * then on is received; fails (with the port and the cause) when one could not be bound. An answer
     * naming these ports must not leave before: a phone sends RTP the moment it reads it, and a port
     * not yet bound answers ICMP port unreachable. May complete on an event loop: continue elsewhere.
     * This default is for transports whose sockets are bound when they are made.
     */
    default java.util.concurrent.CompletionStage<Void> bound() {
        return java.util.concurrent.CompletableFuture.completedFuture(null);
    }

    /**
     * Applies (or re-applies, on re-INVITE) what offer/answer agreed.
     *
     * @param remoteRtp where the SDP says to send RTP; used only while it is trusted (see
     *                  {@link MediaTransportFactory}) and until real packets arrive to latch onto
     * @param rtcpMux   whether RTCP shares the RTP port
     */
    void configure(NegotiatedStream stream, InetSocketAddress remoteRtp, boolean rtcpMux);

    /**
     * Keys a media kind with SRTP from SDES (RFC 4568): from now on what we send is protected with
     * the {@code local} master key and what arrives must authenticate under the {@code remote} one,
     * or it is dropped and counted. Call before {@link #configure} when the answer carried a=crypto.
     * A re-INVITE that repeats a key keeps that direction's SRTP state (its roll-over counter): only a
     * new key starts a new context, so a session refresh never desynchronises a long call.
     *
     * @throws UnsupportedOperationException on a transport keyed otherwise (WebRTC's DTLS)
     */
    default void keySrtp(MediaKind kind, SrtpMasterKey local, SrtpMasterKey remote) {
        throw new UnsupportedOperationException("this transport is not keyed by SDES");
    }

    /**
     * Moves this call's sockets to the event loops of the calls that feed a webinar's program
     * ({@code true}: an attendee promoted to speaker) or back to the other calls' loops
     * ({@code false}: demoted), so a promoted attendee's voice is read in time however busy the
     * attendees' loops are. Media keeps flowing; datagrams that arrive during the move wait in the
     * socket's buffer. The returned stage completes once the sockets are served by their new loop
     * (at once when nothing moves); moves asked for in turn happen in that order. This default has
     * nothing to move (WebRTC's shared port).
     */
    default java.util.concurrent.CompletionStage<Void> feedProgram(boolean feeds) {
        return java.util.concurrent.CompletableFuture.completedFuture(null);
    }

    /** Stops a media kind (port 0 in a new answer). */
    void disable(MediaKind kind);

    void setListener(MediaListener listener);

    /**
     * Sends an RTP packet built by the MCU's packetizer. The transport rewrites the payload type to
     * the one the remote negotiated (and never modifies {@code packet}, which is shared by every
     * receiver of the same output profile). Dropped and counted when nothing is latched yet, the
     * direction forbids sending, or the stream is not configured.
     */
    void sendRtp(MediaKind kind, byte[] packet);

    /** Sends an RTCP PLI (and FIR when the remote negotiated ccm fir) for the remote's video. */
    void requestKeyframe();

    Optional<InetSocketAddress> latchedRemote(MediaKind kind);

    /**
     * Where to report that this transport can no longer carry media (a WebRTC peer's ICE consent
     * lapsed, its DTLS handshake failed or it closed DTLS), with a reason for the log: called at
     * most once, never on a transport thread. Plain RTP transports never fail this way.
     */
    default void setFailureHandler(Consumer<String> onFailure) {
    }

    TransportStats stats(MediaKind kind);

    /** The WebRTC (ICE-lite, DTLS-SRTP) side of this transport, when it carries a browser's media. */
    default Optional<WebRtcSession> webRtc() {
        return Optional.empty();
    }

    @Override
    void close();
}
