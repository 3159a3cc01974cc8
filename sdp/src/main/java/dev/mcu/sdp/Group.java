package dev.mcu.sdp;

import java.util.List;
import java.util.Optional;

/** {@code a=group:<semantics> <mid>...} (RFC 5888), e.g. {@code BUNDLE audio video}. */
public record Group(String semantics, List<String> mids) {

    public static Optional<Group> parse(String value) {
        if (value == null || value.isBlank()) {
            return Optional.empty();
        }
        String[] f = value.trim().split(" +");
        return Optional.of(new Group(f[0], List.of(f).subList(1, f.length)));
    }
}
