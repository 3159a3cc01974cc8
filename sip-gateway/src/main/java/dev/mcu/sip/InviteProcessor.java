package dev.mcu.sip;

import dev.mcu.sdp.LocalOrigin;
import dev.mcu.sdp.Negotiation;
import dev.mcu.sdp.SdpNegotiator;
import dev.mcu.sdp.SdpParseException;
import dev.mcu.sdp.SessionDescription;
import dev.mcu.transport.MediaTransport;
import dev.mcu.transport.MediaTransportFactory;
import gov.nist.javax.sip.message.SIPMessage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.sip.ServerTransaction;
import javax.sip.address.SipURI;
import javax.sip.address.URI;
import javax.sip.header.CallIdHeader;
import javax.sip.header.ContentTypeHeader;
import javax.sip.header.FromHeader;
import javax.sip.message.Request;
import javax.sip.message.Response;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Consumer;

/**
 * Answers initial INVITEs: 100 Trying, admission, SDP offer/answer, media transport, 200 OK.
 * {@link #process} runs on the server's INVITE worker (admission and port allocation may take a
 * moment and must not hold up the SIP stack); when the media ports are still being bound the 200 OK
 * is sent later, on a worker again, once they are; {@link #cancel} runs on a stack thread. A CANCEL that
 * wins the race gets the INVITE a 487 and the worker then drops its result. Once admission said
 * yes, every way out that is not a 200 OK tells the handler the call was abandoned, so its place
 * is freed; after the 200 OK the {@link SipCall} does.
 */
final class InviteProcessor {
    private static final Logger log = LoggerFactory.getLogger(InviteProcessor.class);

    private final SipMessages sip;                  // borrowed
    private final ConferenceHandler handler;        // borrowed
    private final MediaTransportFactory transports; // borrowed
    private final MediaTransportFactory webRtcTransports; // borrowed; null when browsers are not served
    private final SdpNegotiator negotiator;
    private final SdpNegotiator webRtcNegotiator;
    private final Map<String, SipCall> calls;       // borrowed: the server's registry
    private final Executor callEvents;              // borrowed: runs each call's CallEventQueue
    private final Executor inviteWorker;            // borrowed: finishes answers that waited for their ports
    private final LongAdder mediaPortsRefused;      // borrowed: the server's count, shared by its stacks
    /** INVITEs without a final response yet, by Call-ID; the value says whether a CANCEL came. */
    private final Map<String, Pending> pending = new ConcurrentHashMap<>();

    private static final class Pending {
        final ServerTransaction transaction;
        boolean cancelled;
        boolean finalSent;

        Pending(ServerTransaction transaction) {
            this.transaction = transaction;
        }
    }

    /**
     * @param webRtcTransports the factory for UDP/TLS/RTP/SAVPF offers (browsers), or null to refuse
     *                         them; every other call gets {@code transports}
     */
    InviteProcessor(SipMessages sip, ConferenceHandler handler, MediaTransportFactory transports,
                    MediaTransportFactory webRtcTransports, SdpNegotiator negotiator, Map<String, SipCall> calls,
                    SipExecutors executors, LongAdder mediaPortsRefused) {
        this.sip = sip;
        this.handler = handler;
        this.transports = transports;
        this.webRtcTransports = webRtcTransports;
        this.negotiator = negotiator;
        this.webRtcNegotiator = negotiator.forWebRtc();
        this.calls = calls;
        this.callEvents = executors.callEvents();
        this.inviteWorker = executors.inviteWorker();
        this.mediaPortsRefused = mediaPortsRefused;
    }

    /** Registers the INVITE and sends 100 Trying; called on the stack thread before {@link #process}. */
    void accepted(ServerTransaction st) {
        pending.put(callId(st.getRequest()), new Pending(st));
        sip.send(st, sip.response(Response.TRYING, st.getRequest()));
    }

    void process(ServerTransaction st) {
        try {
            admitAndAnswer(st);
        } catch (RuntimeException e) {
            log.error("could not answer an INVITE for {}: {}; it gets 500", SipText.loggable(st.getRequest().getRequestURI()),
                    SipText.loggable(e.toString()), e);
            serverError(st);
        }
    }

    private void admitAndAnswer(ServerTransaction st) {
        Request request = st.getRequest();
        JoinRequest join = joinRequest(request);
        if (sip.config.sessionTimers().decide(SessionTimerRules.Ask.of(request)) instanceof SessionTimerRules.TooSmall small) {
            refuse(st, join, sip.sessionIntervalTooSmall(request, small.minSe()),
                    "its session timer interval is below our minimum of " + small.minSe() + " s");
            return;
        }
        Admission admission = handler.admit(join);
        switch (admission.verdict()) {
            case ACCEPT -> { }
            case NOT_FOUND -> {
                refuse(st, join, sip.responseWithWarning(Response.NOT_FOUND, request, 399, reasonOr(admission, "no such room")),
                        "room does not exist");
                return;
            }
            case FORBIDDEN -> {
                Response forbidden = sip.responseWithWarning(Response.FORBIDDEN, request, 399, reasonOr(admission, "wrong PIN"));
                if (admission.reasonPhrase() != null) {
                    try {
                        forbidden.setReasonPhrase(admission.reasonPhrase());
                    } catch (java.text.ParseException e) {
                        log.debug("kept the standard reason phrase: {}", e.getMessage());
                    }
                }
                refuse(st, join, forbidden, reasonOr(admission, "wrong or missing PIN"));
                return;
            }
            case BUSY -> {
                refuse(st, join, sip.busy(request, admission.retryAfterSeconds(), reasonOr(admission, "room is full")),
                        reasonOr(admission, "room is full") + ", retry after " + admission.retryAfterSeconds() + " s");
                return;
            }
        }
        String notAnswered = "the INVITE could not be answered";
        try {
            notAnswered = answer(st, request, join, admission);
        } finally {
            if (notAnswered != null) {
                handler.onCallAbandoned(join, notAnswered);
            }
        }
    }

    /**
     * Negotiates, creates the transport and sends the 200 OK of an admitted call, with the
     * admission's extra headers.
     *
     * @return null when the handler has heard (or a {@link SipCall} will tell it) how the call ended,
     *         else why no call came of it
     */
    private String answer(ServerTransaction st, Request request, JoinRequest join, Admission admission) {
        byte[] body = request.getRawContent();
        boolean hasOffer = body != null && body.length > 0;
        SessionDescription offer = null;
        Negotiation negotiation = null;
        SdpNegotiator callNegotiator = negotiator;
        MediaTransportFactory factory = transports;
        if (hasOffer) {
            if (!isSdp(request)) {
                return refuseAdmitted(st, join, sip.response(Response.UNSUPPORTED_MEDIA_TYPE, request), "its body is not SDP");
            }
            try {
                offer = SessionDescription.parse(new String(body, StandardCharsets.UTF_8));
            } catch (SdpParseException e) {
                return refuseAdmitted(st, join, sip.responseWithWarning(Response.BAD_REQUEST, request, 399, e.getMessage()),
                        "its SDP is malformed (" + SipText.loggable(e.getMessage()) + ")");
            }
            if (webRtcTransports != null && SdpNegotiator.isWebRtcOffer(offer)) {
                callNegotiator = webRtcNegotiator;
                factory = webRtcTransports;
            }
            negotiation = callNegotiator.negotiate(offer);
            if (!negotiation.succeeded()) {
                return refuseAdmitted(st, join, sip.responseWithWarning(Response.NOT_ACCEPTABLE_HERE, request,
                        negotiation.warningCode(), negotiation.refusalSummary()),
                        "no media in common: " + negotiation.refusalSummary());
            }
            if (admission.viewOnly()) {
                negotiation = negotiation.viewOnly(admission.keypadAudio());
            }
        }

        MediaTransport transport;
        try {
            // sockets only for what the answer accepts (all kinds when we make the offer)
            transport = factory.create(join.callId(), join.signallingSource(),
                    negotiation == null ? java.util.EnumSet.allOf(dev.mcu.media.MediaKind.class) : acceptedKinds(negotiation),
                    admission.feedsProgram());
        } catch (IOException e) {
            String why = "no free media ports (" + e.getMessage() + ")";
            handler.onCallAbandoned(join, why); // first: a caller who retries at once finds the place free
            refuse(st, join, sip.busy(request, sip.config.retryAfterSeconds(), "no free media ports"), why,
                    mediaPortsRefused::increment);
            return null;
        }
        SipCall call = new SipCall(join, transport, new LocalOrigin("mcu", sip.config.advertisedAddress()), sip,
                callNegotiator, handler, ended -> calls.remove(ended.id(), ended),
                new CallEventQueue(join.callId(), callEvents), admission.viewOnly(), admission.keypadAudio(),
                admission.feedsProgram());
        transport.setFailureHandler(reason -> call.hangup("its media failed: " + reason));
        SIPMessage received = (SIPMessage) request;
        if (received.getRemoteAddress() != null) {
            call.signalledFrom(new java.net.InetSocketAddress(received.getRemoteAddress(), received.getRemotePort()));
        }
        Response ok;
        SessionDescription ourOffer = null;
        try {
            String sdp;
            if (hasOffer) {
                call.apply(negotiation);
                sdp = callNegotiator.answer(offer, negotiation, call.localEndpoint()).toString();
            } else {
                ourOffer = callNegotiator.offer(call.localEndpoint());
                if (admission.viewOnly()) {
                    SipCall.offerDirections(ourOffer, true, admission.keypadAudio());
                }
                sdp = ourOffer.toString();
            }
            ok = call.withSessionTimer(request, call.okWith(request, sdp));
            for (var header : admission.answerHeaders().entrySet()) {
                ok.addHeader(sip.headers.createHeader(header.getKey(), header.getValue()));
            }
        } catch (Exception e) {
            log.warn("could not answer {} calling room '{}': {}", join.caller(), join.room(), e.toString());
            call.end("the answer could not be sent (" + e + ")"); // closes the transport, reports the call abandoned
            serverError(st); // the caller hears why rather than retransmitting into silence
            return null;
        }
        // The 200 OK names our ports, and a phone sends RTP the moment it reads it: it leaves only
        // once they are bound (an event loop may still be binding them). The worker does not wait:
        // the rest of the answer runs when the bind is done, on a worker again.
        CompletableFuture<Void> bound = transport.bound().toCompletableFuture();
        SessionDescription offered = ourOffer;
        Response answer = ok;
        if (bound.isDone()) {
            sendAnswer(st, join, call, answer, offered, bindFailure(bound));
        } else {
            log.debug("call {}: the answer waits for its media ports to be bound", join.callId());
            bound.whenComplete((done, failure) -> answerLater(st, () -> sendAnswer(st, join, call, answer, offered, failure)));
        }
        return null;
    }

    private static Throwable bindFailure(CompletableFuture<Void> bound) {
        try {
            bound.join();
            return null;
        } catch (java.util.concurrent.CompletionException | java.util.concurrent.CancellationException e) {
            return e.getCause() == null ? e : e.getCause();
        }
    }

    /**
     * Finishes an answer that waited for its ports, on an INVITE worker; on the call-events pool when
     * the workers' queue is full, since the INVITE already has its call and must get its answer.
     * Called on whichever thread completed the bind (an event loop): nothing slow here.
     */
    private void answerLater(ServerTransaction st, Runnable rest) {
        Runnable guarded = () -> {
            try {
                rest.run();
            } catch (RuntimeException e) {
                log.error("could not answer an INVITE for {}: {}; it gets 500", SipText.loggable(st.getRequest().getRequestURI()),
                        SipText.loggable(e.toString()), e);
                serverError(st);
            }
        };
        try {
            inviteWorker.execute(guarded);
        } catch (RejectedExecutionException full) {
            callEvents.execute(guarded);
        }
    }

    /**
     * Sends the 200 OK, unless a CANCEL came first or the media ports could not be bound ({@code
     * bindFailure} not null: 503, counted, the call ended so its ports and place are given back).
     */
    private void sendAnswer(ServerTransaction st, JoinRequest join, SipCall call, Response ok,
                            SessionDescription ourOffer, Throwable bindFailure) {
        if (bindFailure != null) {
            String why = "its media port could not be bound (" + SipText.loggable(String.valueOf(bindFailure.getMessage())) + ")";
            call.end(why);
            refuse(st, join, sip.busy(st.getRequest(), sip.config.retryAfterSeconds(), "a media port could not be bound"),
                    why, mediaPortsRefused::increment);
            return;
        }
        boolean sent = false;
        String failure = "the caller cancelled before we answered";
        try {
            synchronized (this) {
                Pending p = pending.remove(join.callId());
                if (p == null || p.cancelled) {
                    return; // the finally below ends the call as cancelled
                }
                p.finalSent = true; // from here a CANCEL finds no pending INVITE and gets 481
            }
            // Sent outside the lock: the lock only decides between the answer and a CANCEL, and
            // every INVITE worker takes it, so a worker descheduled inside a send held up the rest.
            calls.put(join.callId(), call);
            call.answered(st.getDialog(), ourOffer);
            sip.sendInviteOk(st, ok);
            sent = true;
        } catch (Exception e) {
            log.warn("could not answer {} calling room '{}': {}", join.caller(), join.room(), e.toString());
            failure = "the answer could not be sent (" + e + ")";
            serverError(st); // the caller hears why rather than retransmitting into silence
        } finally {
            if (!sent) {
                call.end(failure); // closes the transport, leaves the registry and reports the call abandoned
            }
        }
    }

    /** A CANCEL (RFC 3261 §9.2): 200 for it, and 487 for the INVITE if it has no final response yet. */
    void cancel(ServerTransaction cancelTx, Request cancel) {
        Pending p;
        synchronized (this) {
            p = pending.get(callId(cancel));
            if (p != null && !p.finalSent) {
                p.cancelled = true;
                pending.remove(callId(cancel));
            }
        }
        if (p == null) {
            sip.send(cancelTx, sip.response(Response.CALL_OR_TRANSACTION_DOES_NOT_EXIST, cancel));
            return;
        }
        sip.send(cancelTx, sip.response(Response.OK, cancel));
        sip.send(p.transaction, sip.response(Response.REQUEST_TERMINATED, p.transaction.getRequest()));
    }

    /**
     * Gives an admitted caller's place back, then refuses: a caller who retries at once finds the
     * place free.
     *
     * @return null: the handler has heard of it
     */
    private String refuseAdmitted(ServerTransaction st, JoinRequest join, Response response, String why) {
        handler.onCallAbandoned(join, why);
        refuse(st, join, response, why);
        return null;
    }

    /** Sends a final refusal unless a CANCEL came first. */
    private void refuse(ServerTransaction st, JoinRequest join, Response response, String why) {
        refuse(st, join, response, why, () -> { });
    }

    /** As {@link #refuse(ServerTransaction, JoinRequest, Response, String)}, counting the refusal before it leaves. */
    private void refuse(ServerTransaction st, JoinRequest join, Response response, String why, Runnable count) {
        synchronized (this) {
            Pending p = pending.remove(join.callId());
            if (p == null || p.cancelled) {
                return;
            }
            p.finalSent = true;
        }
        count.run(); // before the send: whoever reads the answer may read the counter next
        log.info("refused {} calling room '{}' from {}: {} ({} {})", join.caller(), join.room(),
                join.signallingSource().getHostAddress(), why, response.getStatusCode(), response.getReasonPhrase());
        sip.send(st, response);
    }

    /** 500 for an INVITE we failed on, unless it has its final response already or a CANCEL came. */
    private void serverError(ServerTransaction st) {
        synchronized (this) {
            Pending p = pending.remove(callId(st.getRequest()));
            if (p == null || p.cancelled || p.finalSent) {
                return;
            }
            p.finalSent = true;
        }
        sip.send(st, sip.responseWithWarning(Response.SERVER_INTERNAL_ERROR, st.getRequest(), 399,
                "the server failed to answer; its log says why"));
    }

    /** Refuses an INVITE the worker could not take (queue full): 503 with Retry-After. */
    void overloaded(ServerTransaction st) {
        pending.remove(callId(st.getRequest()));
        log.warn("refused a call to {}: too many calls being set up at once", SipText.loggable(st.getRequest().getRequestURI()));
        sip.send(st, sip.busy(st.getRequest(), sip.config.retryAfterSeconds(), "server overloaded"));
    }

    static boolean isSdp(Request request) {
        ContentTypeHeader type = (ContentTypeHeader) request.getHeader(ContentTypeHeader.NAME);
        return type != null && type.getContentType().equalsIgnoreCase("application")
                && type.getContentSubType().equalsIgnoreCase("sdp");
    }

    static String callId(Request request) {
        return ((CallIdHeader) request.getHeader(CallIdHeader.NAME)).getCallId();
    }

    private static String reasonOr(Admission admission, String fallback) {
        return admission.reason() == null || admission.reason().isBlank() ? fallback : admission.reason();
    }

    /**
     * The room as the caller typed it: RFC 3261 escapes ({@code town%20hall}) decoded as UTF-8.
     * A malformed escape is kept as sent.
     */
    static String unescape(String user) {
        if (user.indexOf('%') < 0) {
            return user;
        }
        java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
        for (int i = 0; i < user.length(); i++) {
            char c = user.charAt(i);
            if (c == '%' && i + 2 < user.length()
                    && Character.digit(user.charAt(i + 1), 16) >= 0 && Character.digit(user.charAt(i + 2), 16) >= 0) {
                bytes.write(Character.digit(user.charAt(i + 1), 16) * 16 + Character.digit(user.charAt(i + 2), 16));
                i += 2;
            } else if (c == '%') {
                return user;
            } else {
                byte[] b = String.valueOf(c).getBytes(java.nio.charset.StandardCharsets.UTF_8);
                bytes.write(b, 0, b.length);
            }
        }
        java.nio.charset.CharsetDecoder strict = java.nio.charset.StandardCharsets.UTF_8.newDecoder();
        try {
            return strict.decode(java.nio.ByteBuffer.wrap(bytes.toByteArray())).toString();
        } catch (java.nio.charset.CharacterCodingException notUtf8) {
            return user;
        }
    }

    /** Room and PIN from the Request-URI: {@code sip:room@host}, {@code sip:room*1234@host}, {@code ;pin=1234}. */
    static JoinRequest joinRequest(Request request) {
        URI uri = request.getRequestURI();
        String user = uri instanceof SipURI sipUri && sipUri.getUser() != null ? sipUri.getUser() : "";
        String pin = uri instanceof SipURI sipUri ? sipUri.getParameter("pin") : null;
        int star = user.indexOf('*');
        if (star >= 0) {
            if (pin == null) {
                pin = user.substring(star + 1);
            }
            user = user.substring(0, star);
        }
        user = unescape(user);
        FromHeader from = (FromHeader) request.getHeader(FromHeader.NAME);
        String display = from.getAddress().getDisplayName();
        InetAddress source = ((SIPMessage) request).getRemoteAddress();
        if (source == null) {
            source = InetAddress.getLoopbackAddress();
        }
        // Room, caller and display name reach logs and the room's screen: no control characters, bounded.
        return new JoinRequest(callId(request), SipText.loggable(user), Optional.ofNullable(pin).filter(s -> !s.isEmpty()),
                SipText.loggable(from.getAddress().getURI()), display == null ? "" : SipText.loggable(display), source,
                SipMessages.transportOf(request).toLowerCase(java.util.Locale.ROOT));
    }

    /** The media kinds an answer accepts, which are the only ones the call needs sockets for. */
    private static java.util.Set<dev.mcu.media.MediaKind> acceptedKinds(Negotiation negotiation) {
        java.util.Set<dev.mcu.media.MediaKind> kinds = java.util.EnumSet.noneOf(dev.mcu.media.MediaKind.class);
        negotiation.streams().forEach(stream -> kinds.add(stream.kind()));
        return kinds;
    }
}
