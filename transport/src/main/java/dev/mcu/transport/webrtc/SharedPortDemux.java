package dev.mcu.transport.webrtc;

import dev.mcu.webrtc.PacketClass;
import dev.mcu.webrtc.StunAttribute;
import dev.mcu.webrtc.StunMessage;

import java.net.InetSocketAddress;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Routes every datagram of the shared WebRTC port to its transport (RFC 7983 first-byte classes):
 * STUN by the local ufrag in USERNAME; DTLS, SRTP and SRTCP by the source address, which maps to a
 * transport only after a Binding request from it passed that transport's ICE checks. Whatever
 * cannot be routed is dropped and counted.
 *
 * <p>Threads: {@link #onDatagram} and {@link #bindAddress} run on the port's event loop;
 * {@link #register} and {@link #unregister} on SIP threads (the maps are concurrent).
 */
final class SharedPortDemux {
    private final int maxPacketSize;
    private final DropCounters drops;
    private final Map<String, WebRtcTransport> byUfrag = new ConcurrentHashMap<>();
    private final Map<InetSocketAddress, WebRtcTransport> byAddress = new ConcurrentHashMap<>();

    SharedPortDemux(int maxPacketSize, DropCounters drops) {
        this.maxPacketSize = maxPacketSize;
        this.drops = drops;
    }

    void register(String localUfrag, WebRtcTransport transport) {
        if (byUfrag.putIfAbsent(localUfrag, transport) != null) {
            throw new IllegalStateException("ICE ufrag collision: " + localUfrag);
        }
    }

    /** Forgets the transport's ufrag and every address that mapped to it. */
    void unregister(String localUfrag, WebRtcTransport transport) {
        byUfrag.remove(localUfrag, transport);
        byAddress.values().removeIf(t -> t == transport);
    }

    /** A Binding request from {@code address} passed {@code transport}'s checks: its packets go there now. */
    void bindAddress(InetSocketAddress address, WebRtcTransport transport) {
        byAddress.put(address, transport);
    }

    int transports() {
        return byUfrag.size();
    }

    void onDatagram(byte[] data, InetSocketAddress source, long nowNanos) {
        if (data.length > maxPacketSize) {
            drops.count(WebRtcDrop.UNCLASSIFIED);
            return;
        }
        PacketClass kind = PacketClass.classify(data);
        switch (kind) {
            case STUN -> onStun(data, source);
            case DTLS -> {
                WebRtcTransport transport = byAddress.get(source);
                if (transport == null) {
                    drops.count(WebRtcDrop.DTLS_FROM_UNKNOWN_ADDRESS);
                } else {
                    transport.onDtls(data, source);
                }
            }
            case RTP, RTCP -> {
                WebRtcTransport transport = byAddress.get(source);
                if (transport == null) {
                    drops.count(WebRtcDrop.MEDIA_FROM_UNKNOWN_ADDRESS);
                } else {
                    transport.onSrtp(data, source, kind == PacketClass.RTCP, nowNanos);
                }
            }
            default -> drops.count(WebRtcDrop.UNCLASSIFIED);
        }
    }

    private void onStun(byte[] data, InetSocketAddress source) {
        StunMessage message = StunMessage.parse(data, 0, data.length);
        StunAttribute username = message == null ? null : message.attribute(StunAttribute.USERNAME);
        if (username == null) {
            drops.count(WebRtcDrop.STUN_MALFORMED);
            return;
        }
        String text = username.text();
        int colon = text.indexOf(':');
        WebRtcTransport transport = byUfrag.get(colon < 0 ? text : text.substring(0, colon));
        if (transport == null) {
            drops.count(WebRtcDrop.STUN_UNKNOWN_USERNAME);
            return;
        }
        transport.onStun(data, source);
    }
}
