package dev.mcu.app.whip;

import dev.mcu.media.MediaKind;
import dev.mcu.media.NegotiatedStream;
import dev.mcu.sdp.AcceptedMedia;
import dev.mcu.sdp.Negotiation;
import dev.mcu.sdp.RemoteWebRtc;
import dev.mcu.sip.Call;
import dev.mcu.sip.JoinRequest;
import dev.mcu.transport.MediaListener;
import dev.mcu.transport.MediaTransport;
import dev.mcu.transport.WebRtcSession;
import dev.mcu.webrtc.DtlsFingerprint;
import dev.mcu.webrtc.RemoteIceParameters;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BiConsumer;

/**
 * One WHIP publisher or WHEP viewer, a member of its room as a SIP call is (a {@link Call}: the
 * control plane lists it with transport {@code whip} or {@code whep}, can kick it, watches its
 * media and counts it against the room's size): its WebRTC transport (on the shared port) and what
 * its offer agreed. A WHEP viewer joins as an attendee: nothing it might send is shown or mixed.
 *
 * <p>Threads: built on an HTTP worker; thread-safe afterwards (the transport is).
 */
final class WhipSession implements Call {
    private final JoinRequest join;
    private final boolean viewer;
    private final MediaTransport transport;      // owned: closed in hangup()
    private final BiConsumer<WhipSession, String> onEnded;
    private final AtomicBoolean ended = new AtomicBoolean();
    private volatile List<NegotiatedStream> streams = List.of();

    /** @param onEnded told once, with why, before the transport closes */
    WhipSession(JoinRequest join, boolean viewer, MediaTransport transport, BiConsumer<WhipSession, String> onEnded) {
        this.join = join;
        this.viewer = viewer;
        this.transport = transport;
        this.onEnded = onEnded;
    }

    /** Applies the agreed offer/answer to the transport, as a SIP call does. */
    void apply(Negotiation negotiation) {
        Optional<WebRtcSession> webRtc = transport.webRtc();
        RemoteWebRtc remote = negotiation.webRtc();
        webRtc.orElseThrow().configureWebRtc(new RemoteIceParameters(remote.iceUfrag(), remote.icePassword()),
                DtlsFingerprint.parse(remote.fingerprint()), remote.setup());
        for (MediaKind kind : MediaKind.values()) {
            Optional<AcceptedMedia> accepted = negotiation.accepted(kind);
            if (accepted.isPresent()) {
                AcceptedMedia a = accepted.get();
                transport.configure(a.stream(), remote(a), a.rtcpMux());
                webRtc.get().useRtx(kind, a.rtxPayloadType());
            } else {
                transport.disable(kind);
            }
        }
        streams = negotiation.streams();
    }

    private static InetSocketAddress remote(AcceptedMedia a) {
        try {
            return new InetSocketAddress(InetAddress.getByName(a.remoteHost()), a.remotePort());
        } catch (UnknownHostException e) {
            return InetSocketAddress.createUnresolved(a.remoteHost(), a.remotePort());
        }
    }

    @Override
    public String room() {
        return join.room();
    }

    @Override
    public JoinRequest joinRequest() {
        return join;
    }

    boolean viewer() {
        return viewer;
    }

    @Override
    public String id() {
        return join.callId();
    }

    String displayName() {
        return join.callerDisplayName();
    }

    @Override
    public List<NegotiatedStream> streams() {
        return streams;
    }

    @Override
    public MediaTransport transport() {
        return transport;
    }

    @Override
    public void setMediaListener(MediaListener listener) {
        transport.setListener(listener);
    }

    /** Ends the session from our side (a kick, the watchdog, a room ended). */
    @Override
    public void hangup() {
        end("hung up by the server");
    }

    /** Ends the session once: the room lets go of it, then the transport closes. */
    void end(String reason) {
        if (ended.compareAndSet(false, true)) {
            onEnded.accept(this, reason);
            transport.close();
        }
    }
}
