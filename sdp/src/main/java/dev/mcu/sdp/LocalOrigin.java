package dev.mcu.sdp;

import java.security.SecureRandom;

/**
 * Our o= line for one dialog (RFC 3264 §5 and §8): a random session id kept for the dialog's life,
 * and a version that goes up by one each time we send an SDP that differs from the previous one
 * (an unchanged SDP keeps its version). Thread-safe.
 */
public final class LocalOrigin {
    private static final SecureRandom RANDOM = new SecureRandom();

    private final String username;
    private final String sessionId;
    private final String address;
    private long version;
    private String lastBodyWithoutOrigin;

    public LocalOrigin(String username, String address) {
        this.username = username;
        this.address = address;
        long id = RANDOM.nextLong() & Long.MAX_VALUE >>> 2; // positive, under 2^61: fits NTP-style readers
        this.sessionId = Long.toString(id == 0 ? 1 : id);
        this.version = 1;
    }

    /** Writes our o= line into {@code sdp}, bumping the version if the body changed since the last stamp. */
    public synchronized void stamp(SessionDescription sdp) {
        sdp.setOrigin(origin(0));
        String body = sdp.toString();
        if (lastBodyWithoutOrigin != null && !lastBodyWithoutOrigin.equals(body)) {
            version++;
        }
        lastBodyWithoutOrigin = body;
        sdp.setOrigin(origin(version));
    }

    public synchronized long version() {
        return version;
    }

    private Origin origin(long v) {
        return new Origin(username, sessionId, v, "IN", address.indexOf(':') >= 0 ? "IP6" : "IP4", address);
    }
}
