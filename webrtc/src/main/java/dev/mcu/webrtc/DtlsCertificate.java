package dev.mcu.webrtc;

import java.io.IOException;
import java.io.StringReader;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import org.bouncycastle.asn1.sec.SECObjectIdentifiers;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.asn1.x9.ECNamedCurveTable;
import org.bouncycastle.asn1.x9.X9ECParameters;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.crypto.AsymmetricCipherKeyPair;
import org.bouncycastle.crypto.generators.ECKeyPairGenerator;
import org.bouncycastle.crypto.params.AsymmetricKeyParameter;
import org.bouncycastle.crypto.params.ECKeyGenerationParameters;
import org.bouncycastle.crypto.params.ECNamedDomainParameters;
import org.bouncycastle.crypto.util.PrivateKeyFactory;
import org.bouncycastle.crypto.util.PrivateKeyInfoFactory;
import org.bouncycastle.crypto.util.SubjectPublicKeyInfoFactory;
import org.bouncycastle.operator.DefaultDigestAlgorithmIdentifierFinder;
import org.bouncycastle.operator.DefaultSignatureAlgorithmIdentifierFinder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.bc.BcECContentSignerBuilder;
import org.bouncycastle.util.io.pem.PemObject;
import org.bouncycastle.util.io.pem.PemReader;
import org.bouncycastle.util.io.pem.PemWriter;

/**
 * Our DTLS identity: an ECDSA P-256 key and a self-signed certificate, as browsers use. Peers do
 * not check it against a CA; they compare its SHA-256 fingerprint with our SDP's a=fingerprint.
 * One per server process is enough (and lets the fingerprint be cached). Immutable; any thread.
 */
public final class DtlsCertificate {
    private static final String SIGNATURE_ALGORITHM = "SHA256withECDSA";
    private static final String PEM_CERTIFICATE = "CERTIFICATE";
    private static final String PEM_PRIVATE_KEY = "PRIVATE KEY";

    private final byte[] der;
    private final AsymmetricKeyParameter privateKey;
    private final DtlsFingerprint fingerprint;

    private DtlsCertificate(byte[] der, AsymmetricKeyParameter privateKey) {
        this.der = der;
        this.privateKey = privateKey;
        this.fingerprint = DtlsFingerprint.sha256(der);
    }

    /** A fresh P-256 key and a certificate valid from a day ago for {@code validity}. */
    public static DtlsCertificate generate(String commonName, Duration validity) {
        SecureRandom random = new SecureRandom();
        X9ECParameters curve = ECNamedCurveTable.getByName("P-256");
        ECKeyPairGenerator generator = new ECKeyPairGenerator();
        generator.init(new ECKeyGenerationParameters(
                new ECNamedDomainParameters(SECObjectIdentifiers.secp256r1, curve), random));
        AsymmetricCipherKeyPair keyPair = generator.generateKeyPair();
        try {
            X500Name name = new X500Name("CN=" + commonName);
            Instant now = Instant.now();
            X509v3CertificateBuilder builder = new X509v3CertificateBuilder(name,
                    new BigInteger(64, random).add(BigInteger.ONE),
                    Date.from(now.minus(Duration.ofDays(1))), Date.from(now.plus(validity)), name,
                    SubjectPublicKeyInfoFactory.createSubjectPublicKeyInfo(keyPair.getPublic()));
            AlgorithmIdentifier signature = new DefaultSignatureAlgorithmIdentifierFinder().find(SIGNATURE_ALGORITHM);
            AlgorithmIdentifier digest = new DefaultDigestAlgorithmIdentifierFinder().find(signature);
            byte[] der = builder.build(new BcECContentSignerBuilder(signature, digest).build(keyPair.getPrivate()))
                    .getEncoded();
            return new DtlsCertificate(der, keyPair.getPrivate());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (OperatorCreationException e) {
            throw new IllegalStateException("ECDSA signing is built into Bouncy Castle", e);
        }
    }

    public static DtlsCertificate generate() {
        return generate("mcu", Duration.ofDays(30));
    }

    /** Reads what {@link #toPem} wrote: a CERTIFICATE block and a PKCS#8 PRIVATE KEY block. */
    public static DtlsCertificate fromPem(String pem) {
        byte[] der = null;
        AsymmetricKeyParameter key = null;
        try (PemReader reader = new PemReader(new StringReader(pem))) {
            for (PemObject o = reader.readPemObject(); o != null; o = reader.readPemObject()) {
                if (PEM_CERTIFICATE.equals(o.getType())) {
                    der = o.getContent();
                } else if (PEM_PRIVATE_KEY.equals(o.getType())) {
                    key = PrivateKeyFactory.createKey(o.getContent());
                }
            }
        } catch (IOException e) {
            throw new IllegalArgumentException("not a PEM certificate and key: " + e.getMessage(), e);
        }
        if (der == null || key == null) {
            throw new IllegalArgumentException("PEM needs a CERTIFICATE and a PRIVATE KEY block");
        }
        return new DtlsCertificate(der, key);
    }

    /** The certificate and its unencrypted PKCS#8 key: store it where only the server can read it. */
    public String toPem() {
        StringWriter out = new StringWriter();
        try (PemWriter writer = new PemWriter(out)) {
            writer.writeObject(new PemObject(PEM_CERTIFICATE, der));
            writer.writeObject(new PemObject(PEM_PRIVATE_KEY,
                    PrivateKeyInfoFactory.createPrivateKeyInfo(privateKey).getEncoded()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toString();
    }

    /** The DER certificate. */
    public byte[] der() {
        return der.clone();
    }

    /** The SHA-256 fingerprint; {@code fingerprint().toString()} is our a=fingerprint value. */
    public DtlsFingerprint fingerprint() {
        return fingerprint;
    }

    AsymmetricKeyParameter privateKey() {
        return privateKey;
    }

    byte[] derShared() {
        return der;
    }
}
