package dev.mcu.sip;

import gov.nist.core.StackLogger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Properties;

/**
 * Bridges JAIN-SIP's internal log to SLF4J (named through {@code gov.nist.javax.sip.STACK_LOGGER}),
 * so the stack needs no log4j. The stack's "info" is a per-message trace, so it goes to DEBUG;
 * its "debug" goes to TRACE. The stack puts whole received messages into some lines ("bad message
 * ..."), so every line is made {@link SipText#loggable safe} and capped. Called from any stack
 * thread; stateless.
 */
public final class Slf4jStackLogger implements StackLogger {
    private static final Logger log = LoggerFactory.getLogger("gov.nist.javax.sip");

    @Override public void logStackTrace() { logStackTrace(TRACE_DEBUG); }
    @Override public void logStackTrace(int level) {
        if (isLoggingEnabled(level)) {
            log.trace("stack trace", new Throwable("stack trace"));
        }
    }
    @Override public int getLineCount() { return 0; }
    @Override
    public void logException(Throwable t) {
        // Parse errors quote the received text: log a safe copy of the message, the trace only at debug.
        log.warn("SIP stack exception: {}", safe(String.valueOf(t)));
        if (log.isDebugEnabled()) {
            log.debug("where the SIP stack exception came from", safeCopy(t));
        }
    }
    private static final int MAX_LINE = 2000;

    private static String safe(String message) {
        return SipText.loggable(message, MAX_LINE);
    }

    @Override public void logDebug(String message) { if (log.isTraceEnabled()) { log.trace(safe(message)); } }
    @Override public void logDebug(String message, Exception e) { if (log.isTraceEnabled()) { log.trace(safe(message), safeCopy(e)); } }
    @Override public void logTrace(String message) { if (log.isTraceEnabled()) { log.trace(safe(message)); } }
    @Override public void logFatalError(String message) { log.error(safe(message)); }
    @Override
    public void logError(String message) {
        if (isMalformedRequestClosing(message)) {
            // Counted (mcu_sip_dropped_total{reason="malformed"}); one line per bad message would let
            // any remote fill the log.
            log.debug("SIP: closed a TCP/TLS connection whose request had unreadable mandatory headers: {}", safe(message));
            return;
        }
        if (isReconnectFailure(message)) {
            // A peer whose TCP/TLS connection is gone: the send's exception is logged next (peerConnectionGone).
            log.debug("SIP: {}", safe(message));
            return;
        }
        log.error(safe(message));
    }
    @Override
    public void logError(String message, Exception e) {
        if (message != null && message.startsWith(UDP_PACKET_FAILED)) {
            // The stack's line quotes every byte of its 64 KiB receive buffer: say what happened instead.
            log.warn("SIP: dropped a UDP datagram the SIP stack failed on ({}); the server goes on", safe(String.valueOf(e)));
            if (log.isDebugEnabled()) {
                log.debug(safe(message), safeCopy(e));
            }
            return;
        }
        if (isKeepAliveAnswer(message)) {
            // The peer sent a CRLF keep-alive and closed (or is closing) its connection; JAIN-SIP's answer
            // then fails in its own ways (an NPE when the channel was torn down meanwhile). Routine.
            log.debug("SIP: a TCP/TLS keep-alive (CRLF) was not answered: its connection is gone ({})", safe(String.valueOf(e)));
            return;
        }
        String gone = peerConnectionGone(e);
        if (gone != null) {
            // A phone that closed its TCP/TLS connection is routine, not a server error worth a stack trace.
            log.info("SIP: a message could not be sent because the other side's connection is gone ({}); a call"
                    + " with it ends by its own timeout or BYE", safe(gone));
            if (log.isDebugEnabled()) {
                log.debug(safe(message), safeCopy(e));
            }
            return;
        }
        log.error(safe(message), safeCopy(e));
    }

    private static final String UDP_PACKET_FAILED = "Error while processing incoming UDP packet";

    /**
     * JAIN-SIP's lines (IOHandler, NIOHandler) when it cannot reach a TCP/TLS peer to send to: the
     * connection attempt, the failed send, its socket table printed as a map, "Could not connect".
     * Any remote causes them by closing its connection; the exception that follows says it once.
     */
    static boolean isReconnectFailure(String message) {
        return message != null && (message.startsWith("Problem connecting ") || message.startsWith("Problem sending: sendBytes ")
                || message.startsWith("Could not connect to ") || (message.startsWith("{") && message.endsWith("}")));
    }

    /** JAIN-SIP's line when its answer to a CRLF keep-alive fails ("CLRF" in 1.3.0-91, "CRLF" later). */
    static boolean isKeepAliveAnswer(String message) {
        return message != null && (message.contains("send a single CLRF") || message.contains("send a single CRLF"));
    }

    /** JAIN-SIP's line when it closes a connection over a request whose Via/From/To/Call-ID/CSeq do not parse. */
    static boolean isMalformedRequestClosing(String message) {
        return message != null && message.startsWith("Malformed mandatory headers: closing socket");
    }

    /**
     * What JAIN-SIP's "Error is" and "single CLRF" errors mean when a TCP or TLS peer went away: the
     * I/O failure's own words, or null when the exception is something else (kept as an error).
     */
    static String peerConnectionGone(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof java.nio.channels.ClosedChannelException) {
                return "connection closed"; // NIO's, with no message of its own
            }
            String m = String.valueOf(t.getMessage());
            if (t instanceof java.io.IOException && (m.startsWith("Could not connect to") || m.equals("Socket is closed")
                    || m.equals("Socket closed") || m.contains("already shutdown")
                    || m.contains("Broken pipe") || m.contains("Connection reset") || m.contains("Connection refused"))) {
                return m;
            }
        }
        return null;
    }

    /** The same stack trace under a message made safe (exception messages may quote received text). */
    private static Exception safeCopy(Throwable t) {
        Exception copy = new Exception(safe(String.valueOf(t)));
        copy.setStackTrace(t.getStackTrace());
        return copy;
    }
    @Override public void logWarning(String message) {
        if (isTlsDefaultsNotice(message)) {
            log.debug(safe(message));
        } else {
            log.warn(safe(message));
        }
    }

    /**
     * At start-up every stack warns that it uses the JVM's default TLS key and trust stores. Our TLS
     * listeners (SIP over TLS, WSS) are given the server's keystore explicitly, so these would only
     * mislead an operator reading the log.
     */
    static boolean isTlsDefaultsNotice(String message) {
        String m = message == null ? "" : message.toLowerCase(java.util.Locale.ROOT);
        return m.startsWith("using default tls security policy") || m.startsWith("using default keystore type")
                || m.startsWith("using default truststore type") || m.startsWith("tls server settings will be inactive")
                || m.startsWith("tls trust settings will be inactive");
    }
    @Override public void logInfo(String message) { if (log.isDebugEnabled()) { log.debug(safe(message)); } }
    @Override public boolean isLoggingEnabled() { return log.isDebugEnabled(); }

    @Override
    public boolean isLoggingEnabled(int level) {
        if (level <= TRACE_ERROR) {
            return log.isErrorEnabled();
        }
        if (level <= TRACE_WARN) {
            return log.isWarnEnabled();
        }
        if (level <= TRACE_INFO) {
            return log.isDebugEnabled();
        }
        return log.isTraceEnabled();
    }

    @Override public void disableLogging() { }
    @Override public void enableLogging() { }
    @Override public void setBuildTimeStamp(String buildTimeStamp) { }
    @Override public void setStackProperties(Properties properties) { }
    @Override public String getLoggerName() { return log.getName(); }

    /**
     * Points JAIN-SIP's static loggers at this bridge before any stack exists (classes that log
     * before a stack reads STACK_LOGGER would otherwise reach for log4j).
     */
    public static void install() {
        if (!(gov.nist.core.CommonLogger.legacyLogger instanceof Slf4jStackLogger)) {
            gov.nist.core.CommonLogger.legacyLogger = new Slf4jStackLogger();
        }
    }
}
