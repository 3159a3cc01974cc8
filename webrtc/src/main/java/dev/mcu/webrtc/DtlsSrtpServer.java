package dev.mcu.webrtc;

import java.io.IOException;
import java.util.Hashtable;
import java.util.Vector;
import org.bouncycastle.tls.Certificate;
import org.bouncycastle.tls.CertificateRequest;
import org.bouncycastle.tls.CipherSuite;
import org.bouncycastle.tls.ClientCertificateType;
import org.bouncycastle.tls.DefaultTlsServer;
import org.bouncycastle.tls.ProtocolVersion;
import org.bouncycastle.tls.TlsCredentialedSigner;
import org.bouncycastle.tls.TlsExtensionsUtils;
import org.bouncycastle.tls.TlsSRTPUtils;
import org.bouncycastle.tls.TlsUtils;
import org.bouncycastle.tls.crypto.impl.bc.BcTlsCrypto;

/**
 * Our DTLS 1.2 server for DTLS-SRTP: ECDHE-ECDSA suites only (our key is P-256), a mandatory client
 * certificate checked against a=fingerprint, and use_srtp. Used by one handshake thread.
 */
final class DtlsSrtpServer extends DefaultTlsServer {
    private static final int[] CIPHER_SUITES = {
        CipherSuite.TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256,
        CipherSuite.TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384,
        CipherSuite.TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256,
        CipherSuite.TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA,
    };

    private final DtlsSrtpPeerSupport support;
    private final int handshakeTimeoutMillis;

    DtlsSrtpServer(BcTlsCrypto crypto, DtlsCertificate certificate, DtlsFingerprint remoteFingerprint,
                   int handshakeTimeoutMillis) {
        super(crypto);
        this.support = new DtlsSrtpPeerSupport(crypto, certificate, remoteFingerprint);
        this.handshakeTimeoutMillis = handshakeTimeoutMillis;
    }

    DtlsSrtpPeerSupport support() {
        return support;
    }

    @Override
    protected ProtocolVersion[] getSupportedVersions() {
        return ProtocolVersion.DTLSv12.only();
    }

    @Override
    protected int[] getSupportedCipherSuites() {
        return TlsUtils.getSupportedCipherSuites(getCrypto(), CIPHER_SUITES);
    }

    @Override
    public int getHandshakeTimeoutMillis() {
        return handshakeTimeoutMillis;
    }

    @Override
    protected TlsCredentialedSigner getECDSASignerCredentials() throws IOException {
        return support.signer(context);
    }

    @Override
    public CertificateRequest getCertificateRequest() {
        Vector<?> algorithms = TlsUtils.getDefaultSupportedSignatureAlgorithms(context);
        return new CertificateRequest(new short[] {ClientCertificateType.ecdsa_sign, ClientCertificateType.rsa_sign},
                algorithms, null);
    }

    @Override
    public void notifyClientCertificate(Certificate clientCertificate) throws IOException {
        support.verifyPeer(clientCertificate);
    }

    @Override
    public void processClientExtensions(Hashtable clientExtensions) throws IOException {
        super.processClientExtensions(clientExtensions);
        support.chooseFrom(clientExtensions);
    }

    @Override
    @SuppressWarnings("unchecked")
    public Hashtable getServerExtensions() throws IOException {
        Hashtable extensions = TlsExtensionsUtils.ensureExtensionsInitialised(super.getServerExtensions());
        TlsSRTPUtils.addUseSRTPExtension(extensions, support.selection());
        return extensions;
    }

    @Override
    public void notifyHandshakeComplete() throws IOException {
        super.notifyHandshakeComplete();
        support.export(context);
    }
}
