package dev.mcu.sip;

import gov.nist.javax.sip.DialogTimeoutEvent;
import gov.nist.javax.sip.SipListenerExt;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.sip.Dialog;
import javax.sip.DialogTerminatedEvent;
import javax.sip.IOExceptionEvent;
import javax.sip.RequestEvent;
import javax.sip.ResponseEvent;
import javax.sip.ServerTransaction;
import javax.sip.TimeoutEvent;
import javax.sip.TransactionAlreadyExistsException;
import javax.sip.TransactionTerminatedEvent;
import javax.sip.TransactionUnavailableException;
import javax.sip.header.RequireHeader;
import javax.sip.header.ToHeader;
import javax.sip.header.UnsupportedHeader;
import javax.sip.message.Request;
import javax.sip.message.Response;
import java.util.ListIterator;
import java.util.Map;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;

/**
 * The SIP stack's listener: sends each request to whoever handles it. Called on JAIN-SIP threads
 * (one event at a time: the listener is not re-entrant). Initial INVITEs go to the INVITE worker;
 * everything else is quick and handled here.
 */
final class SipDispatcher implements SipListenerExt {
    private static final Logger log = LoggerFactory.getLogger(SipDispatcher.class);

    private final SipMessages sip;             // borrowed
    private final InviteProcessor invites;     // borrowed
    private final Map<String, SipCall> calls;  // borrowed: the server's registry
    private final Executor inviteWorker;       // borrowed: owned by SipServer
    /** Events a stack thread is handling in here right now: what a stop waits for (see {@link SipStackStop}). */
    private final java.util.concurrent.atomic.AtomicInteger eventsInHand = new java.util.concurrent.atomic.AtomicInteger();

    SipDispatcher(SipMessages sip, InviteProcessor invites, Map<String, SipCall> calls, Executor inviteWorker) {
        this.sip = sip;
        this.invites = invites;
        this.calls = calls;
        this.inviteWorker = inviteWorker;
    }

    /** True when no stack thread is inside this listener. */
    boolean idle() {
        return eventsInHand.get() == 0;
    }

    private void handle(Runnable work) {
        eventsInHand.incrementAndGet();
        try {
            work.run();
        } finally {
            eventsInHand.decrementAndGet();
        }
    }

    @Override
    public void processRequest(RequestEvent event) {
        handle(() -> dispatch(event));
    }

    private void dispatch(RequestEvent event) {
        Request request = event.getRequest();
        String method = request.getMethod();
        if (method.equals(Request.ACK)) {
            call(event).ifPresent(c -> c.onAck(request));
            return;
        }
        ServerTransaction st = serverTransaction(event);
        if (st == null) {
            return; // a retransmission the stack already handles
        }
        try {
            dispatch(event, st, request, method);
        } catch (RuntimeException e) {
            log.warn("failed to handle a {} from {}: {}", method, SipText.loggable(request.getHeader("From")), e.toString(), e);
            sip.send(st, sip.response(Response.SERVER_INTERNAL_ERROR, request));
        }
    }

    private void dispatch(RequestEvent event, ServerTransaction st, Request request, String method) {
        if (!SipMessages.ALLOWED.contains(method)) {
            int status = SipMessages.KNOWN_UNSERVED.contains(method) ? Response.METHOD_NOT_ALLOWED : Response.NOT_IMPLEMENTED;
            log.debug("answered {} {} with {}", SipText.loggable(method, 40), SipText.loggable(request.getRequestURI()), status);
            sip.send(st, sip.response(status, request));
            return;
        }
        if (!method.equals(Request.CANCEL) && refusedByHeaders(st, request)) {
            return;
        }
        switch (method) {
            case Request.INVITE -> {
                if (((ToHeader) request.getHeader(ToHeader.NAME)).getTag() != null) {
                    call(event).ifPresentOrElse(c -> c.onReInvite(st, request), () -> noSuchCall(st, request));
                    return;
                }
                invites.accepted(st);
                try {
                    inviteWorker.execute(() -> invites.process(st));
                } catch (RejectedExecutionException e) {
                    invites.overloaded(st);
                }
            }
            case Request.CANCEL -> invites.cancel(st, request);
            case Request.BYE -> call(event).ifPresentOrElse(c -> c.onBye(st, request), () -> noSuchCall(st, request));
            case Request.INFO -> call(event).ifPresentOrElse(c -> c.onInfo(st, request), () -> noSuchCall(st, request));
            case Request.UPDATE -> call(event).ifPresentOrElse(c -> c.onUpdate(st, request), () -> noSuchCall(st, request));
            case Request.OPTIONS -> sip.send(st, options(request));
            default -> sip.send(st, sip.response(Response.NOT_IMPLEMENTED, request));
        }
    }

    /**
     * RFC 3261 §8.2.2 and §8.2.3, in that order: a Request-URI scheme we do not serve (416), a
     * Require we do not implement (420), a body we cannot read (415), and for an INVITE an Accept
     * that rules out SDP (406). True when one of them answered the request.
     */
    private boolean refusedByHeaders(ServerTransaction st, Request request) {
        String scheme = request.getRequestURI().getScheme();
        if (!"sip".equalsIgnoreCase(scheme) && !"sips".equalsIgnoreCase(scheme)) {
            log.info("refused a {} for a {} URI: only sip and sips are served", request.getMethod(), SipText.loggable(scheme, 40));
            sip.send(st, sip.response(Response.UNSUPPORTED_URI_SCHEME, request));
            return true;
        }
        if (hasUnsupportedRequire(st, request)) {
            return true;
        }
        String bodyProblem = SipMessages.unreadableBody(request);
        if (bodyProblem != null) {
            log.info("refused a {} from {}: {}", request.getMethod(), sourceOf(request), bodyProblem);
            sip.send(st, sip.response(Response.UNSUPPORTED_MEDIA_TYPE, request));
            return true;
        }
        if (request.getMethod().equals(Request.INVITE) && !SipMessages.acceptsSdp(request)) {
            log.info("refused an INVITE from {}: its Accept header rules out SDP, the only answer we give", sourceOf(request));
            sip.send(st, sip.response(Response.NOT_ACCEPTABLE, request));
            return true;
        }
        return false;
    }

    private static Object sourceOf(Request request) {
        return ((gov.nist.javax.sip.message.SIPMessage) request).getRemoteAddress();
    }

    private Response options(Request request) {
        Response ok = sip.response(Response.OK, request);
        ok.setHeader(sip.contact(null, request));
        try {
            // The one option tag we implement: RFC 4028 session timers.
            ok.setHeader(sip.headers.createHeader("Supported", "timer"));
        } catch (java.text.ParseException e) {
            log.debug("could not add Supported", e);
        }
        return ok;
    }

    /** RFC 3261 §8.2.2.3: a Require we do not implement gets 420 with Unsupported. */
    private boolean hasUnsupportedRequire(ServerTransaction st, Request request) {
        ListIterator<?> it = request.getHeaders(RequireHeader.NAME);
        Response bad = null;
        while (it != null && it.hasNext()) {
            String tag = ((RequireHeader) it.next()).getOptionTag();
            if ("timer".equalsIgnoreCase(tag)) {
                continue;   // RFC 4028 session timers: implemented
            }
            if (bad == null) {
                bad = sip.response(Response.BAD_EXTENSION, request);
            }
            try {
                UnsupportedHeader unsupported = sip.headers.createUnsupportedHeader(tag);
                bad.addHeader(unsupported);
            } catch (java.text.ParseException e) {
                log.debug("bad option tag {}", tag);
            }
        }
        if (bad != null) {
            log.info("refused a {} to {}: it requires SIP extensions we do not implement", request.getMethod(),
                    SipText.loggable(request.getRequestURI()));
            sip.send(st, bad);
            return true;
        }
        return false;
    }

    private ServerTransaction serverTransaction(RequestEvent event) {
        ServerTransaction st = event.getServerTransaction();
        if (st != null) {
            return st;
        }
        try {
            return sip.provider.getNewServerTransaction(event.getRequest());
        } catch (TransactionAlreadyExistsException e) {
            return null;
        } catch (TransactionUnavailableException e) {
            // The stack parsed the request but it breaks RFC 3261 (e.g. no Max-Forwards): 400, statelessly.
            Request request = event.getRequest();
            String why = SipText.loggable(e.getMessage());
            log.info("refused a malformed {} from {}: {}", request.getMethod(), sourceOf(request), why);
            try {
                Response bad = sip.response(Response.BAD_REQUEST, request);
                bad.setReasonPhrase("Bad Request (" + why + ")");
                sip.provider.sendResponse(bad);
            } catch (Exception sendFailed) {
                log.debug("could not send 400: {}", sendFailed.toString());
            }
            return null;
        } catch (Exception e) {
            log.debug("no server transaction for {}: {}", event.getRequest().getMethod(), e.toString());
            return null;
        }
    }

    private java.util.Optional<SipCall> call(RequestEvent event) {
        Dialog dialog = event.getDialog();
        if (dialog != null && dialog.getApplicationData() instanceof SipCall c) {
            return java.util.Optional.of(c);
        }
        return java.util.Optional.ofNullable(calls.get(InviteProcessor.callId(event.getRequest())));
    }

    private void noSuchCall(ServerTransaction st, Request request) {
        sip.send(st, sip.response(Response.CALL_OR_TRANSACTION_DOES_NOT_EXIST, request));
    }

    @Override
    public void processResponse(ResponseEvent event) {
        handle(() -> dispatch(event));
    }

    private void dispatch(ResponseEvent event) {
        // Responses to our BYEs need nothing; those to our session refreshes and to our re-INVITEs
        // that change directions (webinar promotions) go to their call.
        javax.sip.ClientTransaction ct = event.getClientTransaction();
        Dialog dialog = ct == null ? event.getDialog() : ct.getDialog();
        String method = ((javax.sip.header.CSeqHeader) event.getResponse().getHeader(javax.sip.header.CSeqHeader.NAME)).getMethod();
        if (dialog != null && dialog.getApplicationData() instanceof SipCall c
                && (method.equals(Request.UPDATE) || method.equals(Request.INVITE))) {
            if (method.equals(Request.INVITE) && event.getResponse().getStatusCode() >= 200 && c.awaitsReInviteAnswer()) {
                c.onReInviteResponse(event.getResponse(), dialog);
            } else {
                c.onRefreshAnswered(dialog, event.getResponse());
            }
        }
    }

    @Override
    public void processTimeout(TimeoutEvent event) {
        handle(() -> dispatch(event));
    }

    private void dispatch(TimeoutEvent event) {
        if (event.getClientTransaction() != null && event.getClientTransaction().getDialog() != null
                && event.getClientTransaction().getDialog().getApplicationData() instanceof SipCall c) {
            c.end("the phone stopped answering");
        }
    }

    @Override
    public void processDialogTimeout(DialogTimeoutEvent event) {
        handle(() -> {
            if (event.getDialog().getApplicationData() instanceof SipCall c) {
                log.info("{} never acknowledged our answer for room '{}' ({})", c.joinRequest().caller(), c.room(),
                        event.getReason());
                c.hangup();
            }
        });
    }

    @Override
    public void processDialogTerminated(DialogTerminatedEvent event) {
        handle(() -> {
            if (event.getDialog().getApplicationData() instanceof SipCall c) {
                c.end("the dialog ended");
            }
        });
    }

    @Override
    public void processIOException(IOExceptionEvent event) {
        log.debug("SIP I/O error towards {}:{} ({})", event.getHost(), event.getPort(), event.getTransport());
    }

    @Override
    public void processTransactionTerminated(TransactionTerminatedEvent event) {
    }
}
