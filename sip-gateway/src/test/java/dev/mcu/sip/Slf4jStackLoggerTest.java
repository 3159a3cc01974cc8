package dev.mcu.sip;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.junit.jupiter.api.Assertions.assertEquals;

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
}
