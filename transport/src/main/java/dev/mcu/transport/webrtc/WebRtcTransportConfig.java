package dev.mcu.transport.webrtc;

import java.net.InetAddress;
import java.time.Duration;

/**
 * How the shared WebRTC port is set up. Immutable.
 *
 * @param bindAddress        where the one UDP socket listens
 * @param port               the one UDP port every WebRTC participant uses; 0 picks a free one (tests)
 * @param advertisedAddress  the address of our host candidate in SDP answers (what browsers can reach)
 * @param maxPacketSize      larger datagrams are dropped and counted
 * @param rtcpIntervalMillis how often each transport sends SR/RR
 * @param dtlsTimeout        a DTLS handshake not done by then fails the call
 */
public record WebRtcTransportConfig(InetAddress bindAddress, int port, String advertisedAddress, int maxPacketSize,
                                    int rtcpIntervalMillis, Duration dtlsTimeout) {
    public WebRtcTransportConfig {
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port must be 0..65535, got " + port);
        }
        if (bindAddress == null || advertisedAddress == null || advertisedAddress.isBlank()) {
            throw new IllegalArgumentException("bindAddress and advertisedAddress are required");
        }
        if ("0.0.0.0".equals(advertisedAddress) || "::".equals(advertisedAddress)) {
            throw new IllegalArgumentException("advertisedAddress must be reachable by browsers, not " + advertisedAddress);
        }
        if (maxPacketSize < 200 || rtcpIntervalMillis < 100 || dtlsTimeout.isNegative() || dtlsTimeout.isZero()) {
            throw new IllegalArgumentException("maxPacketSize >= 200, rtcpIntervalMillis >= 100, dtlsTimeout > 0");
        }
    }

    /** Listens on and advertises {@code address}, with working defaults for the rest. */
    public static WebRtcTransportConfig of(InetAddress address, int port) {
        return new WebRtcTransportConfig(address, port, address.getHostAddress(), 1500, 1000, Duration.ofSeconds(20));
    }

    public WebRtcTransportConfig withAdvertisedAddress(String address) {
        return new WebRtcTransportConfig(bindAddress, port, address, maxPacketSize, rtcpIntervalMillis, dtlsTimeout);
    }
}
