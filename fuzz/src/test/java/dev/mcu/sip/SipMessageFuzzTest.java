package dev.mcu.sip;

import com.code_intelligence.jazzer.junit.FuzzTest;
import gov.nist.javax.sip.message.SIPMessage;
import gov.nist.javax.sip.message.SIPRequest;
import gov.nist.javax.sip.parser.StringMsgParser;

import java.text.ParseException;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every datagram's way into the SIP stack, as {@code GuardedMessageParserFactory} takes it: our
 * pre-checks ({@link SipMessageCheck}) never throw and word a refusal only in characters that are
 * safe in a status line (no CR, LF or other control characters a sender could inject into our
 * answer); then JAIN-SIP's parser either parses, or fails in a way the guard turns into a counted
 * drop or a 400. A parsed request also encodes again, as the stack does for the answers built from
 * it. In package dev.mcu.sip to reach the package-private checks.
 */
class SipMessageFuzzTest {
    static {
        Slf4jStackLogger.install(); // as SipServer does: JAIN-SIP's static loggers would reach for log4j
    }

    @FuzzTest
    void sipPreChecksAndParser(byte[] datagram) {
        if (!SipMessageCheck.isResponse(datagram)) {
            SipMessageCheck.Verdict verdict = SipMessageCheck.check(datagram);
            if (verdict != null) {
                assertTrue(verdict.status() >= 400 && verdict.status() < 600, "status " + verdict.status());
                assertTrue(verdict.reason().chars().allMatch(c -> c >= 0x20 && c < 0x7f),
                        "unsafe reason phrase: " + verdict.reason());
            }
        }
        if (SipMessageCheck.viaCommentHasBackslash(datagram)) {
            return; // the guard refuses it before the stack's parser, which would loop on it (crash-d58e44e3...)
        }
        SIPMessage message;
        try {
            message = new StringMsgParser().parseSIPMessage(datagram, true, false, null);
        } catch (ParseException | RuntimeException refused) {
            return; // the guard answers 400 or counts a drop
        } finally {
            // As the guard does after every parse: JAIN-SIP keeps each header name it saw, for good.
            HeaderNameCacheBound.trimIfGrown();
            assertTrue(HeaderNameCacheBound.size() <= HeaderNameCacheBound.ownNames() + HeaderNameCacheBound.MAX_LEARNED_NAMES,
                    "JAIN-SIP's header-name cache grew to " + HeaderNameCacheBound.size());
        }
        if (message instanceof SIPRequest request && request.getTopmostVia() != null && request.getCSeq() != null) {
            request.encode();
            request.getMethod();
            request.getRequestURI();
        }
    }
}
