package dev.mcu.app.api;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Base64;

/**
 * The admin token: {@code admin.token} when set, else the one kept in a file beside the TLS
 * keystore, generated on the first start (readable by the server's user only). The log says
 * where it is, never what it is.
 */
public final class AdminToken {
    private static final Logger log = LoggerFactory.getLogger(AdminToken.class);
    public static final String FILE_NAME = "mcu-admin.token";

    private AdminToken() {
    }

    /**
     * @param configured {@code admin.token}, empty when unset
     * @param keystore   {@code tls.keystore}: the generated token's file goes beside it
     * @throws IOException when the file can neither be read nor written
     */
    public static String resolve(String configured, Path keystore) throws IOException {
        if (!configured.isBlank()) {
            return configured;
        }
        Path file = keystore.toAbsolutePath().resolveSibling(FILE_NAME);
        if (Files.exists(file)) {
            String token = Files.readString(file, StandardCharsets.UTF_8).trim();
            if (token.length() >= 16) {
                log.info("Admin token for the API is in {} (set admin.token to choose your own)", file);
                return token;
            }
            throw new IOException(file + " holds no usable admin token; delete it to have one generated");
        }
        byte[] random = new byte[32];
        new SecureRandom().nextBytes(random);
        String token = Base64.getUrlEncoder().withoutPadding().encodeToString(random);
        Files.createDirectories(file.getParent());
        try {
            Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        } catch (FileAlreadyExistsException raced) {
            return resolve(configured, keystore);
        } catch (UnsupportedOperationException notPosix) {
            Files.createFile(file);
        }
        Files.writeString(file, token + "\n", StandardCharsets.UTF_8);
        log.info("Admin token for the API generated and saved in {} (send it as 'Authorization: Bearer <token>';"
                + " set admin.token to choose your own)", file);
        return token;
    }
}
