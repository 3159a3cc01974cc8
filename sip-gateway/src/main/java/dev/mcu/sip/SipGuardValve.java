package dev.mcu.sip;

import gov.nist.javax.sip.header.MaxForwards;
import gov.nist.javax.sip.message.SIPRequest;
import gov.nist.javax.sip.message.SIPResponse;
import gov.nist.javax.sip.stack.MessageChannel;
import gov.nist.javax.sip.stack.SIPMessageValve;
import gov.nist.javax.sip.stack.SIPTransactionStack;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.sip.SipStack;
import javax.sip.message.Request;
import javax.sip.message.Response;

/**
 * JAIN-SIP's valve (named through {@code gov.nist.javax.sip.SIP_MESSAGE_VALVE}): sees every parsed
 * message before transactions and dialogs do. Answers the requests {@link GuardedMessageParserFactory}
 * marked as malformed, statelessly, on the transport they came over; drops responses that match none
 * of our transactions; drops INVITEs and OPTIONS over a source's {@link SipFloodLimit}; lets RFC 2543
 * peers without Max-Forwards through (RFC 4475 §3.4.1). Called on
 * JAIN-SIP's receiving threads.
 */
public final class SipGuardValve implements SIPMessageValve {
    private static final Logger log = LoggerFactory.getLogger(SipGuardValve.class);

    private SIPTransactionStack stack;
    private SipGuard guard;

    @Override
    public void init(SipStack sipStack) {
        stack = (SIPTransactionStack) sipStack;
        guard = SipGuard.of(((javax.sip.SipStack) stack).getStackName());
    }

    @Override
    public void destroy() {
    }

    @Override
    public boolean processRequest(SIPRequest request, MessageChannel channel) {
        if (request.getApplicationData() instanceof SipMessageCheck.Verdict verdict) {
            request.setApplicationData(null);
            refuse(request, channel, verdict);
            return false;
        }
        String method = request.getMethod();
        boolean opensSomething = method.equals(Request.OPTIONS) || method.equals(Request.INVITE) && request.getToTag() == null;
        if (opensSomething && !guard.floodLimiter.allow(channel.getPeerAddress(), System.nanoTime())) {
            guard.floodLimited.incrementAndGet();
            return false;
        }
        if (method.equals(Request.ACK)) {
            // The 2xx it acknowledges may still be in JAIN-SIP's hands: see AnswersInFlight.
            guard.answersInFlight.awaitSent(request.getCallId() == null ? null : request.getCallId().getCallId());
        }
        if (method.equals(Request.ACK) && request.getTopmostVia().getBranch() == null) {
            // An RFC 2543 ACK (no branch) for one of our stateless refusals: JAIN-SIP cannot match it.
            guard.malformedDropped.incrementAndGet();
            return false;
        }
        if (request.getMaxForwards() == null) {
            // Only proxies count hops; a UAS answers an RFC 2543 request that has none.
            try {
                request.setHeader(new MaxForwards(70));
            } catch (javax.sip.InvalidArgumentException impossible) {
                throw new IllegalStateException(impossible);
            }
        }
        return true;
    }

    private void refuse(SIPRequest request, MessageChannel channel, SipMessageCheck.Verdict verdict) {
        if (request.getMethod().equals(Request.ACK)) {
            guard.malformedDropped.incrementAndGet(); // never answer an ACK
            return;
        }
        guard.malformedRefused.incrementAndGet();
        log.info("refused a malformed {} from {}: {} {}", SipText.loggable(request.getMethod(), 40),
                channel.getPeerAddress(), verdict.status(), verdict.reason());
        try {
            SIPResponse response = request.createResponse(verdict.status(), verdict.reason());
            if (response.getTo() != null && response.getTo().getTag() == null) {
                response.getTo().setTag("mcu-refused");
            }
            channel.sendMessage(response);
        } catch (Exception e) {
            log.debug("could not send {} to {}: {}", verdict.status(), channel.getPeerAddress(), e.toString());
        }
    }

    @Override
    public boolean processResponse(Response response, MessageChannel channel) {
        if (stack.findTransaction((SIPResponse) response, false) == null) {
            guard.responsesDropped.incrementAndGet();
            log.debug("dropped a {} response from {} that answers none of our requests", response.getStatusCode(),
                    channel.getPeerAddress());
            return false;
        }
        return true;
    }
}
