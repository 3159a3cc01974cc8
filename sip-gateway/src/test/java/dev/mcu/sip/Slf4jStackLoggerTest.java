package dev.mcu.sip;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.SocketException;

import static org.junit.jupiter.api.Assertions.assertEquals;
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
    }

    @Test
    void otherFailuresStayErrors() {
        assertNull(Slf4jStackLogger.peerConnectionGone(new IllegalStateException("dialog in a bad state")));
        assertNull(Slf4jStackLogger.peerConnectionGone(new Exception(new IOException("disk full"))));
        assertNull(Slf4jStackLogger.peerConnectionGone(null));
    }
}
