package dev.mcu.sip;

import dev.mcu.media.Direction;
import dev.mcu.media.MediaKind;
import dev.mcu.media.NegotiatedStream;
import dev.mcu.sdp.AcceptedMedia;
import dev.mcu.sdp.Negotiation;
import dev.mcu.sdp.RemoteWebRtc;
import dev.mcu.sdp.SdesCrypto;
import dev.mcu.transport.MediaTransport;
import dev.mcu.transport.WebRtcSession;
import dev.mcu.webrtc.DtlsFingerprint;
import dev.mcu.webrtc.RemoteIceParameters;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * What one call's media transport was told by the offer/answer: the streams it carries, and the
 * SDES keys we protect our direction with, kept so a re-INVITE is answered with the same key (RFC
 * 4568 §7.1.4) and the phone need not switch keys mid-call.
 *
 * <p>Threads: {@link #apply} on whichever SIP thread settled an offer/answer, one at a time per call
 * (the call's lock or its single in-flight offer orders them); the getters from any thread.
 */
final class CallMedia {
    private static final Pattern IPV4_LITERAL = Pattern.compile("\\d{1,3}\\.\\d{1,3}\\.\\d{1,3}\\.\\d{1,3}");
    private final MediaTransport transport; // borrowed: the call owns and closes it
    private volatile List<NegotiatedStream> streams = List.of();
    /** The SDES keys we protect our media with, per kind: kept across re-INVITEs. */
    private final Map<MediaKind, SdesCrypto> localKeys = Collections.synchronizedMap(new EnumMap<>(MediaKind.class));

    CallMedia(MediaTransport transport) {
        this.transport = transport;
    }

    /** The streams of the last agreement. */
    List<NegotiatedStream> streams() {
        return streams;
    }

    /** The SDES keys we send with, per kind (empty for plain RTP and WebRTC). */
    Map<MediaKind, SdesCrypto> localKeys() {
        return localKeys;
    }

    /**
     * Applies an agreed offer/answer to the transport: configure what was accepted (keying SDES-SRTP
     * m-lines with both keys), disable the rest.
     */
    void apply(Negotiation negotiation) {
        Optional<WebRtcSession> webRtc = transport.webRtc();
        if (negotiation.isWebRtc() && webRtc.isPresent()) {
            RemoteWebRtc remote = negotiation.webRtc();
            webRtc.get().configureWebRtc(new RemoteIceParameters(remote.iceUfrag(), remote.icePassword()),
                    DtlsFingerprint.parse(remote.fingerprint()), remote.setup());
        }
        for (MediaKind kind : MediaKind.values()) {
            Optional<AcceptedMedia> accepted = negotiation.accepted(kind);
            if (accepted.isPresent()) {
                AcceptedMedia a = accepted.get();
                if (a.sdes() != null) {
                    transport.keySrtp(kind, a.sdes().local().masterKeyForTransport(),
                            a.sdes().remote().masterKeyForTransport());
                    localKeys.put(kind, a.sdes().local());
                }
                transport.configure(a.stream(), remote(a), a.rtcpMux());
                webRtc.ifPresent(session -> session.useRtx(kind, a.rtxPayloadType()));
            } else {
                transport.disable(kind);
            }
        }
        streams = negotiation.streams();
    }

    /**
     * The offer's media address when it is an IP literal; a host name (RFC 4566 allows one in c=)
     * is left unresolved, so the transport waits for the caller's first packet to latch onto. A
     * lookup here would run on the INVITE worker with a name the caller chose: one that does not
     * resolve held a worker for the resolver's whole timeout (seconds), and a few such INVITEs
     * stopped every call set-up. The transport trusts only an address equal to the signalling
     * source anyway.
     */
    static InetSocketAddress remote(AcceptedMedia a) {
        return remote(a.remoteHost(), a.remotePort());
    }

    static InetSocketAddress remote(String host, int port) {
        if (IPV4_LITERAL.matcher(host).matches() || host.indexOf(':') >= 0) {
            try {
                // a literal: only parsed, never looked up
                return new InetSocketAddress(InetAddress.getByName(host), port);
            } catch (UnknownHostException malformed) {
                return InetSocketAddress.createUnresolved(host, port);
            }
        }
        return InetSocketAddress.createUnresolved(host, port);
    }


    /** The streams as an operator reads them in a log line: "audio opus, video H264 mode 1 (sendonly)". */
    static String describe(List<NegotiatedStream> streams) {
        if (streams.isEmpty()) {
            return "no media";
        }
        StringBuilder b = new StringBuilder();
        for (NegotiatedStream s : streams) {
            if (b.length() > 0) {
                b.append(", ");
            }
            b.append(s.kind().sdpName()).append(' ').append(s.codec().encodingName());
            if (s.codec() == dev.mcu.media.Codec.H264) {
                b.append(" mode ").append(s.h264PacketizationMode());
            }
            if (s.direction() != Direction.SENDRECV) {
                b.append(" (").append(s.direction().attribute()).append(')');
            }
        }
        return b.toString();
    }
}
