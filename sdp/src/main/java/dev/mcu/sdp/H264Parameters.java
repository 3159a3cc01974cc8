package dev.mcu.sdp;

import java.util.Map;

/**
 * Reads H.264 fmtp (RFC 6184 §8.1). profile-level-id is three hex bytes:
 *
 * <pre>
 *   profile_idc | profile-iop (constraint_set0..5 flags, 2 reserved) | level_idc
 *      0x42     |     0xe0                                          |  0x1f     = constrained baseline 3.1
 * </pre>
 *
 * A stream is baseline-compatible (what our decoder and encoder agree on) when it is Baseline
 * (profile_idc 0x42) or Constrained Baseline expressed through Main (0x4d with constraint_set1) or
 * Extended (0x58 with constraint_set0 and 1), as in RFC 6184 Table 5.
 */
final class H264Parameters {
    /** RFC 6184: profile-level-id absent means 420010 (Baseline, level 1.0). */
    static final String DEFAULT_PROFILE_LEVEL_ID = "420010";
    private static final int BASELINE = 0x42;
    private static final int MAIN = 0x4d;
    private static final int EXTENDED = 0x58;
    private static final int CONSTRAINT_SET0 = 0x80;
    private static final int CONSTRAINT_SET1 = 0x40;

    private H264Parameters() {
    }

    /** {profile_idc, profile-iop, level_idc}, or null when the profile-level-id is malformed. */
    static int[] profileLevel(Map<String, String> fmtp) {
        String id = fmtp.getOrDefault("profile-level-id", DEFAULT_PROFILE_LEVEL_ID).trim();
        if (id.length() != 6) {
            return null;
        }
        try {
            int v = Integer.parseInt(id, 16);
            return new int[] {v >> 16, (v >> 8) & 0xff, v & 0xff};
        } catch (NumberFormatException e) {
            return null;
        }
    }

    static boolean isBaselineCompatible(Map<String, String> fmtp) {
        int[] p = profileLevel(fmtp);
        if (p == null) {
            return false;
        }
        int idc = p[0];
        int iop = p[1];
        return idc == BASELINE
                || (idc == MAIN && (iop & CONSTRAINT_SET1) != 0)
                || (idc == EXTENDED && (iop & (CONSTRAINT_SET0 | CONSTRAINT_SET1)) == (CONSTRAINT_SET0 | CONSTRAINT_SET1));
    }

    /** 0 when absent (RFC 6184 §8.1); -1 when not a number. */
    static int packetizationMode(Map<String, String> fmtp) {
        String mode = fmtp.get("packetization-mode");
        if (mode == null) {
            return 0;
        }
        try {
            return Integer.parseInt(mode.trim());
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    static boolean levelAsymmetryAllowed(Map<String, String> fmtp) {
        return "1".equals(fmtp.getOrDefault("level-asymmetry-allowed", "0").trim());
    }

    static int level(Map<String, String> fmtp) {
        int[] p = profileLevel(fmtp);
        return p == null ? 0 : p[2];
    }
}
