package dev.mcu.app.http;

import dev.mcu.app.McuConfig;
import dev.mcu.app.McuServer;
import dev.mcu.app.testing.TestServers;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.HexFormat;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The join page over HTTPS with the certificate generated at first start, as a browser on another
 * host uses it (after accepting the certificate warning).
 */
class SecureJoinPageTest {
    @TempDir
    Path dir;

    /** Accepts any certificate, as a browser does once its user clicked through the warning. */
    private static HttpClient acceptingAnyCertificate() throws Exception {
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, new TrustManager[] {new X509TrustManager() {
            @Override
            public void checkClientTrusted(X509Certificate[] chain, String authType) {
            }

            @Override
            public void checkServerTrusted(X509Certificate[] chain, String authType) {
            }

            @Override
            public X509Certificate[] getAcceptedIssuers() {
                return new X509Certificate[0];
            }
        }}, null);
        return HttpClient.newBuilder().sslContext(context).build();
    }

    private static HttpResponse<String> get(HttpClient http, String url) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static String fingerprint(HttpResponse<?> response) throws Exception {
        Certificate[] chain = response.sslSession().orElseThrow().getPeerCertificates();
        return HexFormat.ofDelimiter(":").withUpperCase().formatHex(MessageDigest.getInstance("SHA-256").digest(chain[0].getEncoded()));
    }

    @Test
    void theJoinPageIsServedOverHttpsAndItsConfigNamesTheWssPort() throws Exception {
        int httpsPort = TestServers.freeSipPort();
        int wssPort = TestServers.freeSipPort();
        Path keystore = dir.resolve("mcu-tls.p12");
        try (McuServer server = TestServers.start("http.httpsPort=" + httpsPort, "sip.wssPort=" + wssPort,
                "tls.keystore=" + keystore)) {
            assertTrue(Files.isRegularFile(keystore), "a self-signed certificate was generated at " + keystore);
            HttpClient http = acceptingAnyCertificate();
            HttpResponse<String> page = get(http, "https://127.0.0.1:" + httpsPort + "/");
            assertEquals(200, page.statusCode());
            assertTrue(page.body().contains("src=\"join.js\""), "the join page: " + page.body());
            X509Certificate served = (X509Certificate) page.sslSession().orElseThrow().getPeerCertificates()[0];
            assertTrue(served.getSubjectAlternativeNames().stream().anyMatch(n -> n.get(1).equals("127.0.0.1")),
                    "the certificate names 127.0.0.1: " + served.getSubjectAlternativeNames());

            HttpResponse<String> config = get(http, "https://127.0.0.1:" + httpsPort + "/config.json");
            assertEquals(200, config.statusCode());
            assertTrue(config.body().contains("\"wssPort\":" + wssPort), config.body());
            assertTrue(config.body().contains("\"httpsPort\":" + httpsPort), config.body());
            // That the page then dials wss:// is shown by SecureBrowserJoinTest in a real browser.
            assertEquals(200, get(http, "https://127.0.0.1:" + httpsPort + "/join.js").statusCode());
        }
    }

    @Test
    void theSecondStartServesTheSameCertificateAsTheFirst() throws Exception {
        Path keystore = dir.resolve("kept/mcu-tls.p12");
        HttpClient http = acceptingAnyCertificate();
        String first;
        int httpsPort = TestServers.freeSipPort();
        try (McuServer server = TestServers.start("http.httpsPort=" + httpsPort, "tls.keystore=" + keystore)) {
            first = fingerprint(get(http, "https://127.0.0.1:" + httpsPort + "/"));
        }
        long size = Files.size(keystore);
        httpsPort = TestServers.freeSipPort();
        try (McuServer server = TestServers.start("http.httpsPort=" + httpsPort, "tls.keystore=" + keystore)) {
            assertEquals(first, fingerprint(get(http, "https://127.0.0.1:" + httpsPort + "/")));
        }
        assertEquals(size, Files.size(keystore), "the keystore was not rewritten");
    }

    @Test
    void aBrowserThatHasNotAcceptedTheSelfSignedCertificateIsRefusedTheHandshake() throws Exception {
        int httpsPort = TestServers.freeSipPort();
        try (McuServer server = TestServers.start("http.httpsPort=" + httpsPort, "tls.keystore=" + dir.resolve("x.p12"))) {
            assertThrows(SSLHandshakeException.class, () -> get(HttpClient.newHttpClient(), "https://127.0.0.1:" + httpsPort + "/"));
        }
    }

    @Test
    void theDefaultsServeHttpsOn8443AndWssOn8089WithAKeystoreInTheWorkingDirectory() {
        McuConfig config = McuConfig.defaults();
        assertEquals(8443, config.http().httpsPort());
        assertEquals(8089, config.sip().wssPort());
        assertEquals("mcu-tls.p12", config.tls().keystore());
        assertTrue(config.needsTls());
    }

    @Test
    void clashingPortsAndAnEmptyPasswordAreRefusedByName() {
        IllegalArgumentException same = assertThrows(IllegalArgumentException.class,
                () -> McuConfig.load(null, List.of("http.httpsPort=9000", "sip.wssPort=9000")));
        assertTrue(same.getMessage().contains("sip.wssPort") && same.getMessage().contains("http.httpsPort"), same.getMessage());
        IllegalArgumentException withWs = assertThrows(IllegalArgumentException.class,
                () -> McuConfig.load(null, List.of("sip.wssPort=8088")));
        assertTrue(withWs.getMessage().contains("sip.wssPort") && withWs.getMessage().contains("sip.wsPort"), withWs.getMessage());
        IllegalArgumentException range = assertThrows(IllegalArgumentException.class,
                () -> McuConfig.load(null, List.of("http.httpsPort=70000")));
        assertTrue(range.getMessage().contains("http.httpsPort"), range.getMessage());
        IllegalArgumentException password = assertThrows(IllegalArgumentException.class,
                () -> McuConfig.load(null, List.of("tls.password=''")));
        assertTrue(password.getMessage().contains("tls.password"), password.getMessage());
        McuConfig off = McuConfig.load(null, List.of("tls.password=''", "http.httpsPort=0", "sip.wssPort=0", "sip.tlsPort=0"));
        assertTrue(!off.needsTls(), "no certificate needed with https, wss and SIP over TLS off");
    }
}
