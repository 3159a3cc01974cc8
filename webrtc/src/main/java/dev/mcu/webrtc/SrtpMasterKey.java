package dev.mcu.webrtc;

import java.util.Arrays;

/**
 * One SRTP master key and salt under a profile, as SDES (RFC 4568) hands them over in SDP. Compared
 * by value, so a re-INVITE that repeats a key is recognised and its context (roll-over counter,
 * replay window) kept. Immutable: the arrays are copied in and never handed out; never printed.
 */
public final class SrtpMasterKey {
    private final SrtpProfile profile;
    private final byte[] key;
    private final byte[] salt;

    public SrtpMasterKey(SrtpProfile profile, byte[] key, byte[] salt) {
        if (key.length != profile.keyLength() || salt.length != profile.saltLength()) {
            throw new IllegalArgumentException(profile + " needs a " + profile.keyLength() + "-byte key and a "
                    + profile.saltLength() + "-byte salt");
        }
        this.profile = profile;
        this.key = key.clone();
        this.salt = salt.clone();
    }

    public SrtpProfile profile() {
        return profile;
    }

    /** A fresh context for this key: new roll-over counters and replay windows. */
    public SrtpContext newContext() {
        return SrtpContext.create(profile, key, salt);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof SrtpMasterKey other && profile == other.profile
                && Arrays.equals(key, other.key) && Arrays.equals(salt, other.salt);
    }

    @Override
    public int hashCode() {
        return 31 * (31 * profile.hashCode() + Arrays.hashCode(key)) + Arrays.hashCode(salt);
    }

    @Override
    public String toString() {
        return "SrtpMasterKey[" + profile + ", hidden]";
    }
}
