package dev.mcu.sip.tls;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.interfaces.ECPublicKey;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TlsIdentityTest {
    @TempDir
    Path dir;

    @Test
    void aMissingKeystoreIsGeneratedOnceAndTheSecondStartReloadsTheSameCertificate() throws Exception {
        Path file = dir.resolve("conf/mcu-tls.p12");
        TlsIdentity first = TlsIdentity.loadOrGenerate(file, "s3cret", List.of("192.168.1.10"));
        assertTrue(first.generated());
        assertTrue(Files.isRegularFile(file), "the keystore was written");

        TlsIdentity second = TlsIdentity.loadOrGenerate(file, "s3cret", List.of("192.168.1.10"));
        assertFalse(second.generated());
        assertEquals(first.sha256Fingerprint(), second.sha256Fingerprint());
        assertEquals(95, second.sha256Fingerprint().length(), "32 bytes as AB:CD:..");
    }

    @Test
    void theSelfSignedCertificateIsP256AndNamesTheServerAndLoopback() throws Exception {
        TlsIdentity tls = TlsIdentity.loadOrGenerate(dir.resolve("mcu-tls.p12"), "s3cret",
                List.of("192.168.1.10", "mcu.example.org", "0.0.0.0"));
        assertTrue(tls.certificate().getPublicKey() instanceof ECPublicKey);
        assertEquals("SHA256withECDSA", tls.certificate().getSigAlgName());
        assertEquals(List.of("192.168.1.10", "mcu.example.org", "localhost", "127.0.0.1", "::1"), tls.subjectAltNames());
        assertTrue(tls.certificate().getExtendedKeyUsage().contains("1.3.6.1.5.5.7.3.1"), "serverAuth");
        Instant notAfter = tls.certificate().getNotAfter().toInstant();
        assertTrue(notAfter.isAfter(Instant.now().plus(Duration.ofDays(800))) && notAfter.isBefore(Instant.now().plus(Duration.ofDays(826))),
                "valid for 825 days: " + notAfter);
        assertEquals("TLS", tls.sslContext().getProtocol());
    }

    @Test
    void aWrongPasswordIsRefusedNamingTheFile() throws Exception {
        Path file = dir.resolve("mcu-tls.p12");
        TlsIdentity.loadOrGenerate(file, "right", List.of());
        IOException wrong = assertThrows(IOException.class, () -> TlsIdentity.loadOrGenerate(file, "wrong", List.of()));
        assertTrue(wrong.getMessage().contains(file.toString()) && wrong.getMessage().contains("password"), wrong.getMessage());
    }

    @Test
    void aFileThatIsNotAKeystoreIsRefusedNamingTheFile() throws Exception {
        Path file = Files.writeString(dir.resolve("cert.pem"), "-----BEGIN CERTIFICATE-----\nnot really\n");
        IOException bad = assertThrows(IOException.class, () -> TlsIdentity.loadOrGenerate(file, "x", List.of()));
        assertTrue(bad.getMessage().contains(file.toString()) && bad.getMessage().contains("PKCS12"), bad.getMessage());
    }

    @Test
    void anUnwritableDirectoryIsReportedWithTheSettingToChange() throws Exception {
        Path notADirectory = Files.writeString(dir.resolve("plain-file"), "x");
        IOException cannot = assertThrows(IOException.class,
                () -> TlsIdentity.loadOrGenerate(notADirectory.resolve("mcu-tls.p12"), "x", List.of()));
        assertTrue(cannot.getMessage().contains("tls.keystore"), cannot.getMessage());
    }
}
