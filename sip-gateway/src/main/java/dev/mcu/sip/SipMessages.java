package dev.mcu.sip;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.sip.ServerTransaction;
import javax.sip.SipProvider;
import javax.sip.address.AddressFactory;
import javax.sip.address.SipURI;
import javax.sip.header.ContactHeader;
import javax.sip.header.ContentTypeHeader;
import javax.sip.header.HeaderFactory;
import javax.sip.header.ViaHeader;
import javax.sip.message.MessageFactory;
import javax.sip.message.Request;
import javax.sip.message.Response;
import java.nio.charset.StandardCharsets;
import java.text.ParseException;
import java.util.List;

/**
 * Builds and sends our responses and requests with the headers every message of ours carries
 * (Server, Allow on the ones that need it, Contact). Stateless apart from the borrowed factories;
 * used from any SIP thread.
 */
final class SipMessages {
    private static final Logger log = LoggerFactory.getLogger(SipMessages.class);
    static final List<String> ALLOWED = List.of(Request.INVITE, Request.ACK, Request.CANCEL, Request.BYE,
            Request.OPTIONS, Request.INFO, Request.UPDATE);
    /** Methods of RFC 3261 and its extensions we know but do not serve: 405, the rest 501. */
    static final List<String> KNOWN_UNSERVED = List.of(Request.REGISTER, Request.SUBSCRIBE, Request.NOTIFY,
            Request.MESSAGE, Request.REFER, Request.PRACK, Request.PUBLISH);
    static final List<String[]> ACCEPTED_BODIES = List.of(new String[] {"application", "sdp"},
            new String[] {"application", InfoBodies.MEDIA_CONTROL}, new String[] {"application", InfoBodies.DTMF_RELAY});

    final SipProvider provider;          // borrowed: owned by SipServer
    final MessageFactory messages;
    final HeaderFactory headers;
    final AddressFactory addresses;
    final SipServerConfig config;

    private final AnswersInFlight answersInFlight; // borrowed: the stack's guard owns it

    SipMessages(SipProvider provider, MessageFactory messages, HeaderFactory headers, AddressFactory addresses,
                SipServerConfig config) {
        this.provider = provider;
        this.messages = messages;
        this.headers = headers;
        this.addresses = addresses;
        this.config = config;
        this.answersInFlight = SipGuard.of(provider.getSipStack().getStackName()).answersInFlight;
    }

    Response response(int status, Request request) {
        try {
            Response r = messages.createResponse(status, request);
            r.setHeader(headers.createServerHeader(List.of(config.userAgent())));
            if (status == Response.METHOD_NOT_ALLOWED || status == Response.NOT_IMPLEMENTED
                    || request.getMethod().equals(Request.OPTIONS) || status == Response.OK && request.getMethod().equals(Request.INVITE)) {
                for (String m : ALLOWED) {
                    r.addHeader(headers.createAllowHeader(m));
                }
            }
            if (status == Response.UNSUPPORTED_MEDIA_TYPE || request.getMethod().equals(Request.OPTIONS)) {
                for (String[] t : ACCEPTED_BODIES) {
                    r.addHeader(headers.createAcceptHeader(t[0], t[1]));
                }
                r.addHeader(headers.createAcceptEncodingHeader("identity"));
            }
            return r;
        } catch (ParseException e) {
            throw new IllegalStateException("cannot build a " + status + " response", e);
        }
    }

    /** 422 Session Interval Too Small (RFC 4028 §8.1): the caller may retry with at least {@code minSe}. */
    Response sessionIntervalTooSmall(Request request, int minSe) {
        Response r = response(422, request);
        try {
            r.setReasonPhrase("Session Interval Too Small");
            r.setHeader(headers.createHeader("Min-SE", Integer.toString(minSe)));
        } catch (ParseException e) {
            throw new IllegalStateException("cannot build a 422", e);
        }
        return r;
    }

    /** Session-Expires with the refresher, Supported: timer, and Require: timer when the caller supports it. */
    void addSessionTimer(javax.sip.message.Message message, SessionTimerRules.Timer timer) {
        try {
            message.setHeader(headers.createHeader("Session-Expires", timer.seconds() + ";refresher=" + timer.refresher()));
            message.addHeader(headers.createSupportedHeader("timer"));
            if (timer.requireTimer() && message instanceof Response) {
                message.setHeader(headers.createRequireHeader("timer"));
            }
        } catch (ParseException e) {
            throw new IllegalStateException("cannot add Session-Expires", e);
        }
    }

    /** A response carrying a Warning header (RFC 3261 §20.43) that tells the caller why. */
    Response responseWithWarning(int status, Request request, int warnCode, String text) {
        Response r = response(status, request);
        try {
            r.addHeader(headers.createWarningHeader(config.advertisedAddress(), warnCode, sanitize(text)));
        } catch (ParseException | javax.sip.InvalidArgumentException e) {
            log.debug("could not add Warning '{}'", text, e);
        }
        return r;
    }

    Response busy(Request request, int retryAfterSeconds, String reason) {
        Response r = responseWithWarning(Response.SERVICE_UNAVAILABLE, request, 399, reason);
        try {
            r.setHeader(headers.createRetryAfterHeader(Math.max(1, retryAfterSeconds)));
        } catch (javax.sip.InvalidArgumentException e) {
            throw new IllegalStateException(e);
        }
        return r;
    }

    void setSdp(javax.sip.message.Message message, String sdp) {
        try {
            ContentTypeHeader type = headers.createContentTypeHeader("application", "sdp");
            message.setContent(sdp.getBytes(StandardCharsets.UTF_8), type);
        } catch (ParseException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Our Contact for a dialog the request opened, on the transport the request came over. */
    ContactHeader contact(String user, Request request) {
        try {
            String transport = transportOf(request);
            int port = "tls".equalsIgnoreCase(transport) && config.tlsPort() > 0 ? config.tlsPort() : config.port();
            SipURI uri = addresses.createSipURI(user == null || user.isEmpty() ? null : escapeUser(user),
                    hostPort(config.advertisedAddress(), port));
            if (!"udp".equalsIgnoreCase(transport)) {
                uri.setTransportParam(transport.toLowerCase(java.util.Locale.ROOT));
            }
            return headers.createContactHeader(addresses.createAddress(uri));
        } catch (ParseException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * Why we cannot read this request's body (RFC 3261 §8.2.3: a type or an encoding we do not take),
     * or null when it has none or one we read. The answer is 415 with Accept and Accept-Encoding.
     */
    static String unreadableBody(Request request) {
        byte[] body = request.getRawContent();
        if (body == null || body.length == 0) {
            return null;
        }
        javax.sip.header.ContentEncodingHeader encoding =
                (javax.sip.header.ContentEncodingHeader) request.getHeader(javax.sip.header.ContentEncodingHeader.NAME);
        if (encoding != null && !"identity".equalsIgnoreCase(encoding.getEncoding())) {
            return "its body is encoded with " + SipText.loggable(encoding.getEncoding(), 40) + ", we take identity only";
        }
        ContentTypeHeader type = (ContentTypeHeader) request.getHeader(ContentTypeHeader.NAME);
        if (type == null) {
            return "its body has no Content-Type";
        }
        for (String[] t : ACCEPTED_BODIES) {
            if (t[0].equalsIgnoreCase(type.getContentType()) && t[1].equalsIgnoreCase(type.getContentSubType())) {
                return null;
            }
        }
        return "its body is " + SipText.loggable(type.getContentType() + "/" + type.getContentSubType(), 60)
                + ", which we do not read";
    }

    /** RFC 3261 §20.1: no Accept means application/sdp; otherwise one of its ranges must cover it. */
    static boolean acceptsSdp(Request request) {
        java.util.ListIterator<?> accepts = request.getHeaders(javax.sip.header.AcceptHeader.NAME);
        if (accepts == null || !accepts.hasNext()) {
            return true;
        }
        while (accepts.hasNext()) {
            javax.sip.header.AcceptHeader accept = (javax.sip.header.AcceptHeader) accepts.next();
            String type = accept.getContentType();
            String subType = accept.getContentSubType();
            if (type == null) {
                continue; // an empty Accept: no body is acceptable
            }
            boolean typeMatches = type.equals("*") || type.equalsIgnoreCase("application");
            boolean subTypeMatches = subType == null || subType.equals("*") || subType.equalsIgnoreCase("sdp");
            if (typeMatches && subTypeMatches) {
                return true;
            }
        }
        return false;
    }

    /**
     * A room name as typed (escapes decoded, so it may hold ':' or '@') made fit for a URI's user
     * part again (RFC 3261 §25.1): every character outside unreserved and user-unreserved is %-escaped.
     */
    static String escapeUser(String user) {
        StringBuilder out = new StringBuilder(user.length());
        for (byte b : user.getBytes(StandardCharsets.UTF_8)) {
            char c = (char) (b & 0xff);
            if (c < 0x80 && (Character.isLetterOrDigit(c) || "-_.!~*'()&=+$,;?/".indexOf(c) >= 0)) {
                out.append(c);
            } else {
                out.append('%').append(String.format("%02X", b & 0xff));
            }
        }
        return out.toString();
    }

    static String transportOf(Request request) {
        ViaHeader via = (ViaHeader) request.getHeader(ViaHeader.NAME);
        return via == null ? "udp" : via.getTransport();
    }

    /** Sends a response, logging (not throwing) when the peer is already gone. */
    void send(ServerTransaction transaction, Response response) {
        try {
            if (response.getStatusCode() / 100 == 2 && transaction.getRequest().getMethod().equals(Request.INVITE)) {
                sendInviteOk(transaction, response);
            } else {
                transaction.sendResponse(response);
            }
        } catch (Exception e) {
            log.debug("could not send {} for {}: {}", response.getStatusCode(), transaction.getRequest().getMethod(), e.toString());
        }
    }

    /**
     * Sends a 2xx to an INVITE (or re-INVITE) so that its ACK, which can arrive before JAIN-SIP has
     * finished sending, waits for the send instead of being lost (see {@link AnswersInFlight}).
     */
    void sendInviteOk(ServerTransaction transaction, Response ok) throws javax.sip.SipException,
            javax.sip.InvalidArgumentException {
        String callId = ((javax.sip.header.CallIdHeader) ok.getHeader(javax.sip.header.CallIdHeader.NAME)).getCallId();
        answersInFlight.sending(callId);
        try {
            transaction.sendResponse(ok);
        } finally {
            answersInFlight.sent(callId);
        }
    }

    private static String hostPort(String host, int port) {
        return (host.indexOf(':') >= 0 && !host.startsWith("[") ? "[" + host + "]" : host) + ":" + port;
    }

    private static String sanitize(String text) {
        return SipText.loggable(text == null ? "" : text.replace('"', '\'').replace('\\', '/'));
    }
}
