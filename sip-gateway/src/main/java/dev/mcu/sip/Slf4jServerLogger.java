package dev.mcu.sip;

import gov.nist.core.ServerLogger;
import gov.nist.javax.sip.message.SIPMessage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.sip.SipStack;
import java.util.Properties;

/**
 * JAIN-SIP's message log (named through {@code gov.nist.javax.sip.SERVER_LOGGER}) into SLF4J
 * logger {@code dev.mcu.sip.messages} at TRACE: every SIP message in and out, for debugging a
 * phone. Called from any stack thread; stateless.
 */
public final class Slf4jServerLogger implements ServerLogger {
    private static final Logger log = LoggerFactory.getLogger("dev.mcu.sip.messages");

    @Override public void closeLogFile() { }

    @Override
    public void logMessage(SIPMessage message, String from, String to, boolean sender, long time) {
        log(message, from, to, sender);
    }

    @Override
    public void logMessage(SIPMessage message, String from, String to, String status, boolean sender, long time) {
        log(message, from, to, sender);
    }

    @Override
    public void logMessage(SIPMessage message, String from, String to, String status, boolean sender) {
        log(message, from, to, sender);
    }

    private static void log(SIPMessage message, String from, String to, boolean sender) {
        if (log.isTraceEnabled()) {
            log.trace("{} {} -> {}\n{}", sender ? "sent" : "received", from, to, message.encode());
        }
    }

    @Override public void logException(Exception e) { log.debug("SIP message exception", e); }
    @Override public void setStackProperties(Properties properties) { }
    @Override public void setSipStack(SipStack sipStack) { }
}
