package dev.mcu.sip;

import gov.nist.javax.sip.message.SIPMessage;
import gov.nist.javax.sip.message.SIPRequest;
import gov.nist.javax.sip.parser.MessageParser;
import gov.nist.javax.sip.parser.MessageParserFactory;
import gov.nist.javax.sip.parser.ParseExceptionListener;
import gov.nist.javax.sip.parser.StringMsgParser;
import gov.nist.javax.sip.stack.ConnectionOrientedMessageChannel;
import gov.nist.javax.sip.stack.SIPTransactionStack;

import java.text.ParseException;

/**
 * JAIN-SIP's parser with {@link SipMessageCheck} in front (named through
 * {@code gov.nist.javax.sip.MESSAGE_PARSER_FACTORY}). A request the checks refuse is still parsed
 * when the stack can, and carries its {@link SipMessageCheck.Verdict} to {@link SipGuardValve},
 * which answers it on any transport. What cannot be parsed or answered is counted. Parse errors
 * leave here with our own short message: the stack copies it into its automatic 400's reason
 * phrase and its log. Called on JAIN-SIP's receiving threads; the stack also re-parses its own
 * messages through here (then without a listener, and unchecked).
 */
public final class GuardedMessageParserFactory implements MessageParserFactory {
    @Override
    public MessageParser createMessageParser(SIPTransactionStack stack) {
        HeaderNameCacheBound.trimIfGrown(); // per datagram over UDP; the first call learns the stack's own names
        return new GuardedParser(SipGuard.of(((javax.sip.SipStack) stack).getStackName()));
    }

    /** Whether JAIN-SIP's own UDP 400 will go out: it copies these headers, found by their full names. */
    static boolean stackCanAnswer(byte[] message) {
        String text = new String(message, java.nio.charset.StandardCharsets.ISO_8859_1);
        return text.contains("Via") && text.contains("CSeq") && text.contains("Call-ID") && text.contains("From")
                && text.contains("To");
    }

    private static final class GuardedParser extends StringMsgParser {
        private final SipGuard guard;

        GuardedParser(SipGuard guard) {
            this.guard = guard;
        }

        @Override
        public SIPMessage parseSIPMessage(byte[] message, boolean readBody, boolean strict,
                                          ParseExceptionListener listener) throws ParseException {
            try {
                return guardedParse(message, readBody, strict, listener);
            } finally {
                HeaderNameCacheBound.trimIfGrown(); // the stack keeps every header name it parsed
            }
        }

        private SIPMessage guardedParse(byte[] message, boolean readBody, boolean strict,
                                        ParseExceptionListener listener) throws ParseException {
            if (listener == null || message == null) {
                return super.parseSIPMessage(message, readBody, strict, listener); // the stack's own message
            }
            boolean response = SipMessageCheck.isResponse(message);
            if (SipMessageCheck.viaCommentHasBackslash(message)) {
                // Never handed to the stack's parser, which would loop on it until the heap is gone.
                if (response) {
                    guard.responsesDropped.incrementAndGet();
                } else {
                    countRefused(message, listener);
                }
                throw new ParseException("a Via comment holds a backslash", 0);
            }
            SipMessageCheck.Verdict verdict = response ? null : SipMessageCheck.check(message);
            SIPMessage parsed;
            try {
                parsed = super.parseSIPMessage(message, readBody, strict, listener);
            } catch (ParseException | RuntimeException e) {
                String why = SipText.loggable(verdict != null ? verdict.reason() : "unreadable " + (response ? "response" : "request"));
                if (response) {
                    guard.responsesDropped.incrementAndGet();
                } else {
                    countRefused(message, listener);
                }
                throw new ParseException(why, 0);
            }
            if (parsed instanceof SIPRequest request) {
                if (request.getTopmostVia() == null || request.getFrom() == null || request.getTo() == null
                        || request.getCallId() == null || request.getCSeq() == null) {
                    // Handed on, the stack fails on the missing header itself (an ERROR with the
                    // datagram's bytes); refused here it takes the path of any unreadable request.
                    countRefused(message, listener);
                    throw new ParseException("request without Via, From, To, Call-ID or CSeq", 0);
                }
                if (!(listener instanceof ConnectionOrientedMessageChannel)
                        && !"UDP".equalsIgnoreCase(request.getTopmostVia().getTransport())) {
                    // A datagram whose Via claims TCP, TLS or SCTP: the stack would open a connection to
                    // the Via's host to answer (RFC 3261 §18.2.2 answers on the transport the request came
                    // by). Refused as malformed, the 400 goes back over UDP to where it came from.
                    countRefused(message, listener);
                    throw new ParseException("top Via says " + SipText.loggable(request.getTopmostVia().getTransport(), 16)
                            + " but the request came over UDP", 0);
                }
                int viaPort = request.getTopmostVia().getPort();
                if (viaPort > 65_535 || viaPort < -1) {
                    // Where a UDP answer goes when there is no rport: the stack failed on it while sending.
                    countRefused(message, listener);
                    throw new ParseException("the top Via's port is out of range", 0);
                }
                if (verdict != null) {
                    request.setApplicationData(verdict);
                }
            }
            return parsed;
        }

        private void countRefused(byte[] message, ParseExceptionListener listener) {
            if (listener instanceof ConnectionOrientedMessageChannel) {
                // Over TCP and TLS the stack closes the connection on a request it cannot parse.
                guard.malformedDropped.incrementAndGet();
            } else {
                // Over UDP the stack sends 400 with the parse error's reason when it finds the headers to copy.
                (stackCanAnswer(message) ? guard.malformedRefused : guard.malformedDropped).incrementAndGet();
            }
        }
    }
}
