package dev.mcu.webrtc;

import java.io.IOException;
import java.util.Hashtable;
import org.bouncycastle.tls.AlertDescription;
import org.bouncycastle.tls.Certificate;
import org.bouncycastle.tls.ExporterLabel;
import org.bouncycastle.tls.HashAlgorithm;
import org.bouncycastle.tls.SignatureAlgorithm;
import org.bouncycastle.tls.SignatureAndHashAlgorithm;
import org.bouncycastle.tls.TlsContext;
import org.bouncycastle.tls.TlsCredentialedSigner;
import org.bouncycastle.tls.TlsFatalAlert;
import org.bouncycastle.tls.TlsSRTPUtils;
import org.bouncycastle.tls.TlsUtils;
import org.bouncycastle.tls.UseSRTPData;
import org.bouncycastle.tls.crypto.TlsCertificate;
import org.bouncycastle.tls.crypto.TlsCryptoParameters;
import org.bouncycastle.tls.crypto.impl.bc.BcDefaultTlsCredentialedSigner;
import org.bouncycastle.tls.crypto.impl.bc.BcTlsCrypto;

/**
 * What the DTLS-SRTP client and server share: our credentials, the peer fingerprint check, the
 * use_srtp profile choice and the keying-material export. Used by one handshake thread.
 */
final class DtlsSrtpPeerSupport {
    /** Our use_srtp preference, best first. */
    static final SrtpProfile[] PROFILES = {SrtpProfile.AEAD_AES_128_GCM, SrtpProfile.AES128_CM_HMAC_SHA1_80};

    private final BcTlsCrypto crypto; // borrowed from the peer
    private final DtlsCertificate certificate;
    private final DtlsFingerprint remoteFingerprint;
    private volatile SrtpProfile profile;
    private volatile byte[] keyingMaterial;

    DtlsSrtpPeerSupport(BcTlsCrypto crypto, DtlsCertificate certificate, DtlsFingerprint remoteFingerprint) {
        this.crypto = crypto;
        this.certificate = certificate;
        this.remoteFingerprint = remoteFingerprint;
    }

    TlsCredentialedSigner signer(TlsContext context) throws IOException {
        Certificate chain = new Certificate(new TlsCertificate[] {crypto.createCertificate(certificate.derShared())});
        return new BcDefaultTlsCredentialedSigner(new TlsCryptoParameters(context), crypto, certificate.privateKey(),
                chain, SignatureAndHashAlgorithm.getInstance(HashAlgorithm.sha256, SignatureAlgorithm.ecdsa));
    }

    /** Fails the handshake unless the peer's end-entity certificate hashes to the SDP's a=fingerprint. */
    void verifyPeer(Certificate peer) throws IOException {
        if (peer == null || peer.isEmpty()) {
            throw new TlsFatalAlert(AlertDescription.bad_certificate, "peer sent no certificate");
        }
        if (!remoteFingerprint.matches(peer.getCertificateAt(0).getEncoded())) {
            throw new TlsFatalAlert(AlertDescription.bad_certificate, "peer certificate does not match a=fingerprint");
        }
    }

    static UseSRTPData offer() {
        int[] ids = new int[PROFILES.length];
        for (int i = 0; i < ids.length; i++) {
            ids[i] = PROFILES[i].dtlsId();
        }
        return new UseSRTPData(ids, TlsUtils.EMPTY_BYTES);
    }

    /** Server side: our most preferred profile among those the client offered. */
    void chooseFrom(Hashtable<?, ?> clientExtensions) throws IOException {
        UseSRTPData offered = TlsSRTPUtils.getUseSRTPExtension(clientExtensions);
        if (offered == null) {
            throw new TlsFatalAlert(AlertDescription.handshake_failure, "client did not offer use_srtp");
        }
        for (SrtpProfile p : PROFILES) {
            for (int id : offered.getProtectionProfiles()) {
                if (id == p.dtlsId()) {
                    profile = p;
                    return;
                }
            }
        }
        throw new TlsFatalAlert(AlertDescription.handshake_failure, "no SRTP profile in common");
    }

    /** Client side: the one profile the server selected, which must be one we offered. */
    void acceptSelection(Hashtable<?, ?> serverExtensions) throws IOException {
        UseSRTPData selected = TlsSRTPUtils.getUseSRTPExtension(serverExtensions);
        if (selected == null || selected.getProtectionProfiles().length != 1) {
            throw new TlsFatalAlert(AlertDescription.illegal_parameter, "server must select one SRTP profile");
        }
        SrtpProfile p = SrtpProfile.fromDtlsId(selected.getProtectionProfiles()[0]);
        if (p == null) {
            throw new TlsFatalAlert(AlertDescription.illegal_parameter, "server selected a profile we did not offer");
        }
        profile = p;
    }

    UseSRTPData selection() {
        return new UseSRTPData(new int[] {profile.dtlsId()}, TlsUtils.EMPTY_BYTES);
    }

    /** Exports the SRTP keying material (RFC 5764 §4.2) once the handshake completed. */
    void export(TlsContext context) {
        keyingMaterial = context.exportKeyingMaterial(ExporterLabel.dtls_srtp, null,
                SrtpSession.keyingMaterialLength(profile));
    }

    SrtpProfile profile() {
        return profile;
    }

    byte[] keyingMaterial() {
        return keyingMaterial;
    }
}
