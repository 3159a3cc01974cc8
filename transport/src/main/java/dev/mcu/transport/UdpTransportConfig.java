package dev.mcu.transport;

import java.net.InetAddress;

/**
 * Settings of a {@link UdpMediaTransportFactory}.
 *
 * @param bindAddress                           local address the RTP/RTCP sockets bind to
 * @param portMin                               first port of the RTP range (rounded up to even)
 * @param portMax                               last port of the range (an RTP port needs port+1 too)
 * @param allowSdpAddressesOutsideSignallingHost send to an SDP address even when it is not the host
 *                                              the INVITE came from (off: wait for the remote's
 *                                              first packet instead, so the MCU cannot be used to
 *                                              flood a third party)
 * @param maxPacketSize                         larger datagrams are dropped and counted
 * @param rtcpIntervalMillis                    how often SR/RR is sent
 */
public record UdpTransportConfig(InetAddress bindAddress, int portMin, int portMax,
                                 boolean allowSdpAddressesOutsideSignallingHost, int maxPacketSize,
                                 int rtcpIntervalMillis) {
    public static final int DEFAULT_PORT_MIN = 30000;
    public static final int DEFAULT_PORT_MAX = 39999;
    public static final int DEFAULT_MAX_PACKET_SIZE = 1500;
    public static final int DEFAULT_RTCP_INTERVAL_MILLIS = 1000;

    public UdpTransportConfig {
        if (portMin < 1 || portMax > 65535 || portMax - (portMin + (portMin & 1)) < 1) {
            throw new IllegalArgumentException("port range " + portMin + "-" + portMax + " holds no even/odd pair");
        }
        if (maxPacketSize < 64 || rtcpIntervalMillis < 1) {
            throw new IllegalArgumentException("maxPacketSize or rtcpIntervalMillis out of range");
        }
    }

    public static UdpTransportConfig defaults(InetAddress bindAddress) {
        return new UdpTransportConfig(bindAddress, DEFAULT_PORT_MIN, DEFAULT_PORT_MAX, false,
                DEFAULT_MAX_PACKET_SIZE, DEFAULT_RTCP_INTERVAL_MILLIS);
    }

    public UdpTransportConfig withPorts(int min, int max) {
        return new UdpTransportConfig(bindAddress, min, max, allowSdpAddressesOutsideSignallingHost,
                maxPacketSize, rtcpIntervalMillis);
    }

    public UdpTransportConfig withAllowSdpAddressesOutsideSignallingHost(boolean allow) {
        return new UdpTransportConfig(bindAddress, portMin, portMax, allow, maxPacketSize, rtcpIntervalMillis);
    }

    public UdpTransportConfig withMaxPacketSize(int size) {
        return new UdpTransportConfig(bindAddress, portMin, portMax, allowSdpAddressesOutsideSignallingHost,
                size, rtcpIntervalMillis);
    }

    public UdpTransportConfig withRtcpIntervalMillis(int millis) {
        return new UdpTransportConfig(bindAddress, portMin, portMax, allowSdpAddressesOutsideSignallingHost,
                maxPacketSize, millis);
    }
}
