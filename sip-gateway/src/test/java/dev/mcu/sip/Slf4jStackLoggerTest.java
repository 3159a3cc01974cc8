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
    void aPeerThatClosedAfterAKeepAliveIsNotAnError() {
        // As Rfc4475TortureTest's TCP cases met them under load: the peer closed before the CRLF answer.
        assertTrue(Slf4jStackLogger.isReconnectFailure("Problem connecting /127.0.0.1 39868 /127.0.0.1 for message \r\n"));
        assertTrue(Slf4jStackLogger.isReconnectFailure("Problem sending: sendBytes TCP inAddr 127.0.0.1 port = 39868"
                + " remoteHost 127.0.0.1 remotePort 39868 peerPacketPort 39868 isClient false"));
        assertTrue(Slf4jStackLogger.isReconnectFailure("{}"));
        assertTrue(Slf4jStackLogger.isReconnectFailure("Could not connect to /127.0.0.1:39868"));
        assertTrue(Slf4jStackLogger.isKeepAliveAnswer(
                "A problem occured while trying to send a single CLRF in response to a double CLRF"));
        assertFalse(Slf4jStackLogger.isReconnectFailure("Dialog terminated on a timeout"));
        assertFalse(Slf4jStackLogger.isReconnectFailure(null));
        assertFalse(Slf4jStackLogger.isKeepAliveAnswer("Problem sending error response"));
    }

    @Test
    void otherFailuresStayErrors() {
        assertNull(Slf4jStackLogger.peerConnectionGone(new IllegalStateException("dialog in a bad state")));
        assertNull(Slf4jStackLogger.peerConnectionGone(new Exception(new IOException("disk full"))));
        assertNull(Slf4jStackLogger.peerConnectionGone(null));
    }
}
