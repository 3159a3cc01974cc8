package dev.mcu.sip;

import java.net.InetAddress;
import java.util.Optional;

/**
 * Who wants to join which room, as the INVITE says it.
 *
 * @param room               the Request-URI user part (without any {@code *pin} suffix)
 * @param pin                from a {@code ;pin=} URI parameter or a {@code room*pin} user part
 * @param callerUri          the From URI, e.g. {@code sip:alice@example.com}
 * @param callerDisplayName  the From display name, empty when none
 * @param signallingSource   the IP address the INVITE came from
 * @param signallingTransport what the INVITE came over, from its Via: udp, tcp, tls, ws or wss
 */
public record JoinRequest(String callId, String room, Optional<String> pin, String callerUri,
                          String callerDisplayName, InetAddress signallingSource, String signallingTransport) {

    public JoinRequest(String callId, String room, Optional<String> pin, String callerUri, String callerDisplayName,
                       InetAddress signallingSource) {
        this(callId, room, pin, callerUri, callerDisplayName, signallingSource, "udp");
    }

    /** Keeps the PIN out of logs. */
    @Override
    public String toString() {
        return "JoinRequest[callId=" + callId + ", room=" + room + ", pin=" + (pin.isPresent() ? "(given)" : "(none)")
                + ", caller=" + caller() + ", from=" + signallingSource + " over " + signallingTransport + "]";
    }

    /** "Alice <sip:alice@example.com>" or just the URI, for logs. */
    public String caller() {
        return callerDisplayName.isEmpty() ? callerUri : callerDisplayName + " <" + callerUri + ">";
    }
}
