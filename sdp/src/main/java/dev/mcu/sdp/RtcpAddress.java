package dev.mcu.sdp;

import java.util.Optional;

/**
 * {@code a=rtcp:<port> [<nettype> <addrtype> <address>]} (RFC 3605): where RTCP goes when it is not
 * on RTP port + 1.
 *
 * @param connection null when the attribute names only a port
 */
public record RtcpAddress(int port, Connection connection) {

    public static Optional<RtcpAddress> parse(String value) {
        if (value == null) {
            return Optional.empty();
        }
        String[] f = value.trim().split(" +");
        try {
            int port = Integer.parseInt(f[0]);
            Connection c = f.length == 4 ? new Connection(f[1], f[2], f[3]) : null;
            return port < 0 || port > 65535 ? Optional.empty() : Optional.of(new RtcpAddress(port, c));
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }

    public String value() {
        return connection == null ? String.valueOf(port) : port + " " + connection;
    }
}
