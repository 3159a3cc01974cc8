package dev.mcu.webrtc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Locale;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

class DtlsIdentityTest {
    private static final DtlsCertificate CERT = DtlsCertificate.generate();

    @Test
    void theFingerprintIsSdpReadySha256() {
        String value = CERT.fingerprint().toString();

        assertTrue(value.matches("sha-256 ([0-9A-F]{2}:){31}[0-9A-F]{2}"), value);
        assertTrue(CERT.fingerprint().matches(CERT.der()));
    }

    @Test
    void aParsedFingerprintEqualsTheComputedOneWhateverTheCase() {
        String sdp = CERT.fingerprint().toString().toLowerCase(Locale.ROOT).replace("sha-256", "SHA-256");

        assertEquals(CERT.fingerprint(), DtlsFingerprint.parse("  " + sdp + " "));
        assertFalse(DtlsFingerprint.parse(sdp).matches(DtlsCertificate.generate().der()));
    }

    static Stream<Arguments> badFingerprints() {
        return Stream.of(
                Arguments.of("no hash name", "AB:CD"),
                Arguments.of("unknown hash", "md5 AB:CD:EF:01:23:45:67:89:AB:CD:EF:01:23:45:67:89"),
                Arguments.of("too short for sha-256", "sha-256 AB:CD"),
                Arguments.of("not hex", "sha-1 ZZ:CD:EF:01:23:45:67:89:AB:CD:EF:01:23:45:67:89:AB:CD:EF:01"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badFingerprints")
    void badFingerprintsAreRefused(String name, String value) {
        assertThrows(IllegalArgumentException.class, () -> DtlsFingerprint.parse(value));
    }

    @Test
    void aCertificateSurvivesPem() {
        DtlsCertificate reloaded = DtlsCertificate.fromPem(CERT.toPem());

        assertEquals(CERT.fingerprint(), reloaded.fingerprint());
        assertTrue(CERT.toPem().contains("-----BEGIN PRIVATE KEY-----"));
    }

    @ParameterizedTest(name = "offer a=setup:{0} -> we are {1}, answer a=setup:{2}")
    @CsvSource({"actpass, SERVER, passive", "active, SERVER, passive", "passive, CLIENT, active", "ACTPASS, SERVER, passive"})
    void theOffersSetupDecidesOurRole(String offer, DtlsRole role, String answer) {
        assertEquals(role, DtlsRole.answering(offer));
        assertEquals(answer, DtlsRole.answering(offer).answerSetup());
    }

    @Test
    void holdconnCannotBeAnswered() {
        assertThrows(IllegalArgumentException.class, () -> DtlsRole.answering("holdconn"));
    }

    @Test
    void keyingMaterialIsSplitByRole() {
        byte[] material = new byte[SrtpSession.keyingMaterialLength(SrtpProfile.AES128_CM_HMAC_SHA1_80)];
        for (int i = 0; i < material.length; i++) {
            material[i] = (byte) i;
        }
        SrtpSession server = SrtpSession.fromKeyingMaterial(SrtpProfile.AES128_CM_HMAC_SHA1_80, material, DtlsRole.SERVER);
        SrtpSession client = SrtpSession.fromKeyingMaterial(SrtpProfile.AES128_CM_HMAC_SHA1_80, material, DtlsRole.CLIENT);

        byte[] rtp = SrtpContextTest.rtp(1, 1, new byte[8]);
        PacketBuffer fromClient = PacketBuffer.copyOf(rtp);
        client.outbound().protectRtp(fromClient);
        assertEquals(SrtpStatus.OK, server.inbound().unprotectRtp(fromClient));

        PacketBuffer crossed = PacketBuffer.copyOf(rtp);
        client.outbound().protectRtp(crossed);
        assertEquals(SrtpStatus.AUTH_FAILED, client.inbound().unprotectRtp(crossed), "each direction has its own key");
    }
}
