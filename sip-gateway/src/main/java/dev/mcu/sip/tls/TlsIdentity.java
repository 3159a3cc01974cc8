package dev.mcu.sip.tls;

import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.util.IPAddress;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.math.BigInteger;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.security.cert.Certificate;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Date;
import java.util.Enumeration;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The server's TLS certificate and key for HTTPS and SIP over secure WebSocket: read from a
 * PKCS12 keystore, or, when that file does not exist yet, a self-signed ECDSA P-256 certificate
 * made with Bouncy Castle and saved there, so it stays the same across restarts (a browser's
 * exception for it keeps working). P-256 because Chromium, the JDK's HTTPS server and JAIN-SIP's
 * NIO TLS all accept it (ECDHE_ECDSA suites, TLS 1.2 and 1.3).
 *
 * <p>The key must be protected by the keystore's password (as {@code keytool} and {@code openssl
 * pkcs12} write it). Immutable once loaded; any thread. Owns no open resources: the file is read
 * once, and again by JAIN-SIP (which reads keystores from a path).
 */
public final class TlsIdentity {
    private static final Logger log = LoggerFactory.getLogger(TlsIdentity.class);
    private static final String KEYSTORE_TYPE = "PKCS12";
    private static final String ALIAS = "mcu";
    /** Apple platforms refuse TLS server certificates valid for longer, even trusted by hand. */
    static final Duration SELF_SIGNED_VALIDITY = Duration.ofDays(825);
    private static final List<String> ALWAYS_NAMED = List.of("localhost", "127.0.0.1", "::1");

    private final Path keystore;
    private final String password;
    private final X509Certificate certificate;
    private final SSLContext sslContext;
    private final boolean generated;

    private TlsIdentity(Path keystore, String password, KeyStore store, X509Certificate certificate, boolean generated)
            throws GeneralSecurityException {
        this.keystore = keystore;
        this.password = password;
        this.certificate = certificate;
        this.generated = generated;
        KeyManagerFactory keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        keys.init(store, password.toCharArray());
        this.sslContext = SSLContext.getInstance("TLS");
        sslContext.init(keys.getKeyManagers(), null, null);
    }

    /**
     * Loads the keystore at {@code keystore}, or generates a self-signed certificate and writes it
     * there when the file does not exist.
     *
     * @param password    the keystore's password (also the key's)
     * @param serverNames host names and IP addresses the server is reached by; a generated
     *                    certificate names them, and localhost, 127.0.0.1 and ::1, as subjectAltNames
     * @throws IOException naming the file when it cannot be read, holds no key, the password is
     *                     wrong, or a new one cannot be written
     */
    public static TlsIdentity loadOrGenerate(Path keystore, String password, Collection<String> serverNames)
            throws IOException {
        if (password == null || password.isEmpty()) {
            throw new IOException("the keystore " + keystore + " needs a password");
        }
        Path absolute = keystore.toAbsolutePath();
        return Files.exists(absolute) ? load(absolute, password, serverNames) : generate(absolute, password, serverNames);
    }

    private static TlsIdentity load(Path keystore, String password, Collection<String> serverNames) throws IOException {
        KeyStore store;
        try (InputStream in = Files.newInputStream(keystore)) {
            store = KeyStore.getInstance(KEYSTORE_TYPE);
            store.load(in, password.toCharArray());
        } catch (IOException | GeneralSecurityException e) {
            throw new IOException("cannot open the TLS keystore " + keystore + " (" + e.getMessage()
                    + "); is the password right, and is it a PKCS12 file?", e);
        }
        try {
            X509Certificate certificate = firstKeyCertificate(store, keystore);
            TlsIdentity identity = new TlsIdentity(keystore, password, store, certificate, false);
            log.info("TLS certificate {} from {} (SHA-256 {}), valid until {}",
                    certificate.getSubjectX500Principal().getName(), keystore, identity.sha256Fingerprint(),
                    certificate.getNotAfter().toInstant());
            identity.warnAboutNamesAndDates(serverNames);
            return identity;
        } catch (GeneralSecurityException e) {
            throw new IOException("cannot use the key in the TLS keystore " + keystore + " (" + e.getMessage()
                    + "); the key must have the keystore's password", e);
        }
    }

    private static X509Certificate firstKeyCertificate(KeyStore store, Path keystore)
            throws GeneralSecurityException, IOException {
        for (Enumeration<String> aliases = store.aliases(); aliases.hasMoreElements(); ) {
            String alias = aliases.nextElement();
            if (store.isKeyEntry(alias)) {
                Certificate certificate = store.getCertificate(alias);
                if (certificate instanceof X509Certificate x509) {
                    return x509;
                }
            }
        }
        throw new IOException("the TLS keystore " + keystore + " holds no private key with a certificate");
    }

    private static TlsIdentity generate(Path keystore, String password, Collection<String> serverNames)
            throws IOException {
        List<String> names = namesFor(serverNames);
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
            generator.initialize(new ECGenParameterSpec("secp256r1"), new SecureRandom());
            KeyPair keyPair = generator.generateKeyPair();
            X509Certificate certificate = selfSigned(keyPair, names);
            KeyStore store = KeyStore.getInstance(KEYSTORE_TYPE);
            store.load(null, null);
            store.setKeyEntry(ALIAS, keyPair.getPrivate(), password.toCharArray(), new Certificate[] {certificate});
            write(store, keystore, password);
            TlsIdentity identity = new TlsIdentity(keystore, password, store, certificate, true);
            log.warn("Generated a self-signed TLS certificate for {} at {} (SHA-256 {}); browsers will warn until you "
                            + "replace it with a real one: set tls.keystore to a PKCS12 file with your certificate and key "
                            + "(e.g. openssl pkcs12 -export -in cert.pem -inkey key.pem -out mcu-tls.p12) and tls.password "
                            + "to its password", String.join(", ", names), keystore, identity.sha256Fingerprint());
            return identity;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("ECDSA P-256 and PKCS12 are part of every Java 17 runtime", e);
        }
    }

    private static List<String> namesFor(Collection<String> serverNames) {
        Set<String> names = new LinkedHashSet<>();
        for (String name : serverNames) {
            String bare = name.trim();
            if (bare.startsWith("[") && bare.endsWith("]")) {
                bare = bare.substring(1, bare.length() - 1);
            }
            if (!bare.isEmpty() && !bare.equals("0.0.0.0") && !bare.equals("::")) {
                names.add(bare.toLowerCase(Locale.ROOT));
            }
        }
        names.addAll(ALWAYS_NAMED);
        return List.copyOf(names);
    }

    private static X509Certificate selfSigned(KeyPair keyPair, List<String> names) throws GeneralSecurityException {
        try {
            X500Name subject = new X500Name("CN=" + names.get(0).replaceAll("[,+=\"\\\\<>;]", "_") + ", O=mcu self-signed");
            Instant now = Instant.now();
            X509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(subject,
                    new BigInteger(64, new SecureRandom()).add(BigInteger.ONE),
                    Date.from(now.minus(Duration.ofDays(1))), Date.from(now.plus(SELF_SIGNED_VALIDITY)), subject,
                    keyPair.getPublic());
            List<GeneralName> altNames = new ArrayList<>();
            for (String name : names) {
                boolean ip = IPAddress.isValid(name);
                altNames.add(new GeneralName(ip ? GeneralName.iPAddress : GeneralName.dNSName, name));
            }
            builder.addExtension(Extension.subjectAlternativeName, false,
                    new GeneralNames(altNames.toArray(GeneralName[]::new)));
            builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
            builder.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature));
            builder.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(KeyPurposeId.id_kp_serverAuth));
            return new JcaX509CertificateConverter().getCertificate(
                    builder.build(new JcaContentSignerBuilder("SHA256withECDSA").build(keyPair.getPrivate())));
        } catch (OperatorCreationException | IOException e) {
            throw new GeneralSecurityException("cannot sign the self-signed certificate: " + e.getMessage(), e);
        }
    }

    /** Writes next to the target and moves it into place, so a crash never leaves half a keystore. */
    private static void write(KeyStore store, Path keystore, String password) throws IOException {
        Path directory = keystore.getParent();
        try {
            Files.createDirectories(directory);
            Path temporary = Files.createTempFile(directory, ".mcu-tls-", ".tmp");
            try {
                if (Files.getFileStore(temporary).supportsFileAttributeView("posix")) {
                    Files.setPosixFilePermissions(temporary, PosixFilePermissions.fromString("rw-------"));
                }
                try (OutputStream out = Files.newOutputStream(temporary)) {
                    store.store(out, password.toCharArray());
                }
                try {
                    Files.move(temporary, keystore, StandardCopyOption.ATOMIC_MOVE);
                } catch (AtomicMoveNotSupportedException e) {
                    Files.move(temporary, keystore);
                }
            } finally {
                Files.deleteIfExists(temporary);
            }
        } catch (IOException | GeneralSecurityException e) {
            throw new IOException("cannot write a self-signed TLS certificate to " + keystore + " (" + e.getMessage()
                    + "); set tls.keystore to a writable path, or to an existing PKCS12 file", e);
        }
    }

    private void warnAboutNamesAndDates(Collection<String> serverNames) {
        if (certificate.getNotAfter().toInstant().isBefore(Instant.now())) {
            log.warn("The TLS certificate in {} expired on {}; browsers will refuse it. Replace it, or delete the file "
                    + "to have a new self-signed one generated", keystore, certificate.getNotAfter().toInstant());
        }
        List<String> missing = new ArrayList<>(namesFor(serverNames));
        missing.removeAll(ALWAYS_NAMED);
        missing.removeAll(subjectAltNames());
        if (!missing.isEmpty()) {
            log.warn("The TLS certificate in {} does not name {}; browsers reaching the server that way will warn "
                    + "(delete a self-signed file to have it generated again for the current addresses)",
                    keystore, String.join(", ", missing));
        }
    }

    /** The DNS names and IP addresses the certificate is for, lower case. */
    public List<String> subjectAltNames() {
        List<String> out = new ArrayList<>();
        try {
            Collection<List<?>> entries = certificate.getSubjectAlternativeNames();
            if (entries != null) {
                for (List<?> entry : entries) {
                    int type = (Integer) entry.get(0);
                    if (type == GeneralName.dNSName || type == GeneralName.iPAddress) {
                        out.add(canonical(String.valueOf(entry.get(1))));
                    }
                }
            }
        } catch (CertificateParsingException e) {
            log.debug("unreadable subjectAltNames in {}: {}", keystore, e.toString());
        }
        return out;
    }

    /** The JDK prints IPv6 in full ("0:0:0:0:0:0:0:1"): compare addresses in one form. */
    private static String canonical(String name) {
        String lower = name.toLowerCase(Locale.ROOT);
        return lower.equals("0:0:0:0:0:0:0:1") ? "::1" : lower;
    }

    /** A server-side context with this certificate and key, for HTTPS. */
    public SSLContext sslContext() {
        return sslContext;
    }

    /** The absolute path of the PKCS12 file, for JAIN-SIP's {@code javax.net.ssl.keyStore}. */
    public Path keystore() {
        return keystore;
    }

    /** The keystore's password. */
    public String password() {
        return password;
    }

    /** "PKCS12", for JAIN-SIP's {@code javax.net.ssl.keyStoreType}. */
    public String keystoreType() {
        return KEYSTORE_TYPE;
    }

    public X509Certificate certificate() {
        return certificate;
    }

    /** True when this start made the certificate (it was not on disk before). */
    public boolean generated() {
        return generated;
    }

    /** The certificate's SHA-256 fingerprint as browsers show it, "AB:CD:...". */
    public String sha256Fingerprint() {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(certificate.getEncoded());
            return HexFormat.ofDelimiter(":").withUpperCase().formatHex(digest);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("SHA-256 is part of every Java runtime", e);
        }
    }
}
