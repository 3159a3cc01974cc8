package dev.mcu.sdp;

/**
 * A {@code c=<nettype> <addrtype> <connection-address>} line (RFC 8866 §5.7). The address may carry a
 * multicast {@code /ttl/count} suffix, kept as written.
 */
public record Connection(String netType, String addressType, String address) {

    public static Connection ip(String address) {
        return new Connection("IN", address.indexOf(':') >= 0 ? "IP6" : "IP4", address);
    }

    static Connection parse(int line, String value) throws SdpParseException {
        String[] f = value.trim().split(" +");
        if (f.length != 3) {
            throw new SdpParseException(line, "c= needs <nettype> <addrtype> <address>, got '" + value + "'");
        }
        return new Connection(f[0], f[1], f[2]);
    }

    /** The address without any multicast suffix. */
    public String host() {
        int slash = address.indexOf('/');
        return slash < 0 ? address : address.substring(0, slash);
    }

    /** Old-style hold (RFC 2543): c=IN IP4 0.0.0.0 means "do not send to me". */
    public boolean isHoldAddress() {
        return "0.0.0.0".equals(host());
    }

    @Override
    public String toString() {
        return netType + " " + addressType + " " + address;
    }
}
