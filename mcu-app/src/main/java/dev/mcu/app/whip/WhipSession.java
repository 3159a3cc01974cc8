package dev.mcu.app.whip;

import dev.mcu.conference.Member;
import dev.mcu.conference.Role;
import dev.mcu.media.MediaKind;
import dev.mcu.media.NegotiatedStream;
import dev.mcu.sdp.AcceptedMedia;
import dev.mcu.sdp.Negotiation;
import dev.mcu.sdp.RemoteWebRtc;
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

/**
 * One WHIP publisher or WHEP viewer as a room member: its WebRTC transport (on the shared port) and
 * what its offer agreed. A WHEP viewer joins as an attendee: nothing it might send is shown or mixed.
 *
 * <p>Threads: built on an HTTP worker; thread-safe afterwards (the transport is).
 */
final class WhipSession implements Member {
    private final String id;
    private final String room;
    private final boolean viewer;
    private final MediaTransport transport;      // owned: closed in hangup()
    private final Runnable onEnded;
    private final AtomicBoolean ended = new AtomicBoolean();
    private volatile List<NegotiatedStream> streams = List.of();

    WhipSession(String id, String room, boolean viewer, MediaTransport transport, Runnable onEnded) {
        this.id = id;
        this.room = room;
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

    String room() {
        return room;
    }

    boolean viewer() {
        return viewer;
    }

    @Override
    public String id() {
        return id;
    }

    @Override
    public String displayName() {
        return viewer ? "WHEP viewer" : "WHIP publisher";
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

    @Override
    public Role initialRole() {
        return viewer ? Role.ATTENDEE : Role.SPEAKER;
    }

    /** Ends the session once: the room lets go of it, then the transport closes. */
    @Override
    public void hangup() {
        if (ended.compareAndSet(false, true)) {
            onEnded.run();
            transport.close();
        }
    }
}
