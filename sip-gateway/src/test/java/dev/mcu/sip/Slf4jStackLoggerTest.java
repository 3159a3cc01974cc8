package dev.mcu.sip;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.SocketException;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.assertNull;

class Slf4jStackLoggerTest {
    @ParameterizedTest(name = "{0} is start-up TLS noise: {1}")
    @CsvSource(delimiter = '|', value = {
            "using default tls security policy | true",
            "Using default keystore type pkcs12 | true",
            "TLS trust settings will be inactive - TLS trust store will use JVM defaults. | true",
            "Dialog terminated on a timeout | false",
            "'' | false",
    })
    void onlyTheStackDefaultTlsNoticesAreQuietened(String message, boolean quiet) {
        assertEquals(quiet, Slf4jStackLogger.isTlsDefaultsNotice(message));
    }

    @Test
    void aPeerWhoseConnectionIsGoneIsRecognisedThroughJainSipsWrapping() {
        // As JAIN-SIP's IOHandler and sendSingleCLRF report them: an Exception wrapping the I/O failure.
        assertEquals("Could not connect to /127.0.0.1:56150", Slf4jStackLogger.peerConnectionGone(
                new Exception(new IOException("Could not connect to /127.0.0.1:56150"))));
        assertEquals("Socket is closed",
                Slf4jStackLogger.peerConnectionGone(new Exception(new SocketException("Socket is closed"))));
        // The NIO transports' CRLF keep-alive answer to a peer that has just closed.
        assertEquals("connection closed",
                Slf4jStackLogger.peerConnectionGone(new Exception(new java.nio.channels.ClosedChannelException())));
        assertEquals("Socket output is already shutdown", Slf4jStackLogger.peerConnectionGone(
                new Exception(new SocketException("Socket output is already shutdown"))));
    }

    @Test
    void aConnectionClosedOverUnreadableHeadersIsRecognised() {
        assertTrue(Slf4jStackLogger.isMalformedRequestClosing(
                "Malformed mandatory headers: closing socket! :Socket[addr=/127.0.0.1,port=39712,localport=36301]"));
        assertFalse(Slf4jStackLogger.isMalformedRequestClosing("Dialog terminated on a timeout"));
        assertFalse(Slf4jStackLogger.isMalformedRequestClosing(null));
    }

    @Test
    void otherFailuresStayErrors() {
        assertNull(Slf4jStackLogger.peerConnectionGone(new IllegalStateException("dialog in a bad state")));
        assertNull(Slf4jStackLogger.peerConnectionGone(new Exception(new IOException("disk full"))));
        assertNull(Slf4jStackLogger.peerConnectionGone(null));
    }
}
