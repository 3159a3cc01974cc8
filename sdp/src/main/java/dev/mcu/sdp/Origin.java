package dev.mcu.sdp;

/**
 * The {@code o=<username> <sess-id> <sess-version> <nettype> <addrtype> <unicast-address>} line
 * (RFC 8866 §5.2). The session id stays a string: browsers write 19-digit ids.
 */
public record Origin(String username, String sessionId, long sessionVersion, String netType, String addressType,
                     String address) {

    static Origin parse(int line, String value) throws SdpParseException {
        String[] f = value.trim().split(" +");
        if (f.length != 6) {
            throw new SdpParseException(line, "o= needs 6 fields, got " + f.length + " in '" + value + "'");
        }
        long version;
        try {
            version = Long.parseLong(f[2]);
        } catch (NumberFormatException e) {
            throw new SdpParseException(line, "o= session version '" + f[2] + "' is not a number");
        }
        return new Origin(f[0], f[1], version, f[3], f[4], f[5]);
    }

    public Origin withVersion(long version) {
        return new Origin(username, sessionId, version, netType, addressType, address);
    }

    @Override
    public String toString() {
        return username + " " + sessionId + " " + sessionVersion + " " + netType + " " + addressType + " " + address;
    }
}
