package dev.mcu.webrtc;

import java.net.InetSocketAddress;
import java.util.EnumMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicLongArray;
import javax.crypto.Mac;

/**
 * The ICE-lite side of one participant (RFC 8445 §2.5): it never sends checks, it only answers the
 * browser's Binding requests on our single host candidate, remembers the pair the browser
 * nominated (USE-CANDIDATE) and tracks consent freshness (RFC 7675): without a valid request for
 * {@link #CONSENT_TIMEOUT_MILLIS}, the peer is gone. A lite agent is always controlled.
 *
 * <p>Threads: {@link #handleBindingRequest} is called by the one thread that reads the socket;
 * {@link #nominatedAddress}, {@link #consentExpired} and {@link #count} may be read from any thread.
 * Owns only heap objects (its Mac, keyed once with the local password).
 */
public final class IceLiteAgent {
    /** RFC 7675 §5.1: consent expires 30 s after the last authenticated check. */
    public static final long CONSENT_TIMEOUT_MILLIS = 30_000;
    private static final int BINDING_METHOD = 0x001;

    /**
     * What to do with a received packet: send {@code packet} back to where it came from, unless it is
     * {@code null} (dropped).
     */
    public record Response(BindingOutcome outcome, byte[] packet) {
        public boolean hasPacket() {
            return packet != null;
        }
    }

    private final IceCredentials local;
    private final String remoteUfrag;
    private final String expectedUsername;
    private final Mac integrity; // owned: keyed with the local password, used by the socket thread only
    private final AtomicLongArray counts = new AtomicLongArray(BindingOutcome.values().length);
    private volatile long lastValidRequestMillis;
    private volatile InetSocketAddress nominated;

    /**
     * @param local        our ufrag and password (what our SDP answer advertises)
     * @param remoteUfrag  the browser's a=ice-ufrag
     * @param nowMillis    the clock of the caller; consent runs from here until the first check
     */
    public IceLiteAgent(IceCredentials local, String remoteUfrag, long nowMillis) {
        this.local = Objects.requireNonNull(local, "local");
        this.remoteUfrag = Objects.requireNonNull(remoteUfrag, "remoteUfrag");
        this.expectedUsername = local.ufrag() + ":" + remoteUfrag;
        this.integrity = StunIntegrity.newMac(local.password());
        this.lastValidRequestMillis = nowMillis;
    }

    public IceCredentials localCredentials() {
        return local;
    }

    public String remoteUfrag() {
        return remoteUfrag;
    }

    /** Checks one STUN packet and builds the answer (RFC 8489 §6.3, §9.1.3; RFC 8445 §7.3). */
    public Response handleBindingRequest(byte[] packet, InetSocketAddress from, long nowMillis) {
        StunMessage request = StunMessage.parse(packet, 0, packet.length);
        if (request == null) {
            return drop(BindingOutcome.DROPPED_MALFORMED);
        }
        if (!request.hasFingerprint()) {
            return drop(BindingOutcome.DROPPED_NO_FINGERPRINT);
        }
        if (!request.fingerprintValid()) {
            return drop(BindingOutcome.DROPPED_BAD_FINGERPRINT);
        }
        if (request.type() == StunMessage.BINDING_INDICATION) {
            return drop(BindingOutcome.DROPPED_INDICATION);
        }
        if (request.type() != StunMessage.BINDING_REQUEST || request.method() != BINDING_METHOD) {
            return drop(BindingOutcome.DROPPED_UNEXPECTED);
        }
        StunAttribute username = request.attribute(StunAttribute.USERNAME);
        if (username == null || !request.hasIntegrity()) {
            return error(request, BindingOutcome.REJECTED_BAD_REQUEST, 400, "Bad Request", false);
        }
        if (!expectedUsername.equals(username.text())) {
            return error(request, BindingOutcome.REJECTED_UNKNOWN_USERNAME, 401, "Unauthenticated", false);
        }
        if (!request.integrityValid(integrity)) {
            return error(request, BindingOutcome.REJECTED_BAD_INTEGRITY, 401, "Unauthenticated", false);
        }
        int[] unknown = unknownComprehensionRequired(request);
        if (unknown.length > 0) {
            return count(BindingOutcome.REJECTED_UNKNOWN_ATTRIBUTE, errorResponse(request, 420, "Unknown Attribute", true,
                    StunAttribute.unknownAttributes(unknown)));
        }
        if (request.has(StunAttribute.ICE_CONTROLLED)) {
            return error(request, BindingOutcome.REJECTED_ROLE_CONFLICT, 487, "Role Conflict", true);
        }
        lastValidRequestMillis = nowMillis;
        if (request.has(StunAttribute.USE_CANDIDATE)) {
            nominated = from;
        }
        byte[] response = new StunMessageBuilder(StunMessage.BINDING_SUCCESS_RESPONSE, request.transactionId())
                .add(XorMappedAddress.encode(from, request.transactionId()))
                .build(integrity, true);
        return count(BindingOutcome.ANSWERED, response);
    }

    /** The address of the pair the browser nominated, or {@code null} before USE-CANDIDATE. */
    public InetSocketAddress nominatedAddress() {
        return nominated;
    }

    /** True once {@link #CONSENT_TIMEOUT_MILLIS} passed without a valid Binding request. */
    public boolean consentExpired(long nowMillis) {
        return nowMillis - lastValidRequestMillis >= CONSENT_TIMEOUT_MILLIS;
    }

    public long count(BindingOutcome outcome) {
        return counts.get(outcome.ordinal());
    }

    /** A snapshot of every counter. */
    public Map<BindingOutcome, Long> counts() {
        Map<BindingOutcome, Long> snapshot = new EnumMap<>(BindingOutcome.class);
        for (BindingOutcome o : BindingOutcome.values()) {
            snapshot.put(o, counts.get(o.ordinal()));
        }
        return snapshot;
    }

    private Response drop(BindingOutcome outcome) {
        return count(outcome, null);
    }

    private Response count(BindingOutcome outcome, byte[] packet) {
        counts.incrementAndGet(outcome.ordinal());
        return new Response(outcome, packet);
    }

    private Response error(StunMessage request, BindingOutcome outcome, int code, String reason, boolean authenticated) {
        return count(outcome, errorResponse(request, code, reason, authenticated, null));
    }

    /**
     * An error response. Only one to an authenticated request carries MESSAGE-INTEGRITY: for 400 and
     * 401 we cannot prove we hold the key the sender used (RFC 8489 §9.1.3).
     */
    private byte[] errorResponse(StunMessage request, int code, String reason, boolean authenticated,
                                 StunAttribute extra) {
        StunMessageBuilder builder = new StunMessageBuilder(StunMessage.BINDING_ERROR_RESPONSE, request.transactionId())
                .add(StunAttribute.errorCode(code, reason));
        if (extra != null) {
            builder.add(extra);
        }
        return builder.build(authenticated ? integrity : null, true);
    }

    private static int[] unknownComprehensionRequired(StunMessage request) {
        return request.attributes().stream()
                .mapToInt(StunAttribute::type)
                .filter(t -> StunAttribute.isComprehensionRequired(t) && !isKnown(t))
                .distinct()
                .toArray();
    }

    private static boolean isKnown(int type) {
        return switch (type) {
            case StunAttribute.MAPPED_ADDRESS, StunAttribute.USERNAME, StunAttribute.MESSAGE_INTEGRITY,
                 StunAttribute.ERROR_CODE, StunAttribute.UNKNOWN_ATTRIBUTES, StunAttribute.REALM,
                 StunAttribute.NONCE, StunAttribute.MESSAGE_INTEGRITY_SHA256, StunAttribute.PASSWORD_ALGORITHM,
                 StunAttribute.USERHASH, StunAttribute.XOR_MAPPED_ADDRESS, StunAttribute.PRIORITY,
                 StunAttribute.USE_CANDIDATE -> true;
            default -> false;
        };
    }
}
