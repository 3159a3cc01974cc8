package dev.mcu.sdp;

import dev.mcu.media.Codec;
import dev.mcu.media.VideoReceiveCap;

import java.util.Map;

/**
 * What a remote's SDP says it can take of our video, read from the m-line it offered (or answered):
 * <ul>
 *   <li>{@code b=AS} (kbit/s) or {@code b=TIAS} (bit/s), on the m-line or else the session;
 *   <li>VP8 {@code max-fs} (RFC 7741 §6.1), in macroblocks;
 *   <li>H.264 (RFC 6184 §8.1): the level of an explicit {@code profile-level-id} (MaxFS and MaxBR of
 *       H.264 Table A-1), raised by {@code max-fs} / {@code max-br} where those say more, as the RFC
 *       lets them.
 * </ul>
 * An H.264 offer with no {@code profile-level-id} is not held to level 1.0 (QCIF), although RFC 6184
 * says that is its meaning: phones that leave it out decode far more, and served them the canvas until
 * now. Values that are not positive numbers, or are beyond any real decoder or link (more than
 * {@value #MAX_MACROBLOCKS} macroblocks, more than {@value #MAX_KBPS} kbit/s), are ignored, as if not
 * written. {@code max-fr} is not read: every layer runs at the room's frame rate. Stateless.
 */
public final class ReceiveCaps {
    /** 16K x 16K pixels: anything above is a typo or an attack, not a decoder. */
    static final int MAX_MACROBLOCKS = 1_048_576;
    /** 100 Gbit/s. */
    static final int MAX_KBPS = 100_000_000;

    private ReceiveCaps() {
    }

    /**
     * @param codec         the video codec agreed
     * @param fmtp          the remote's fmtp parameters for it (lower-case keys)
     * @param bandwidthKbps the remote's b=AS (or TIAS/1000) for this m-line, else its session's; 0 unstated
     */
    public static VideoReceiveCap of(Codec codec, Map<String, String> fmtp, long bandwidthKbps) {
        int kbps = bandwidthKbps > 0 && bandwidthKbps <= MAX_KBPS ? (int) bandwidthKbps : 0;
        VideoReceiveCap fromBandwidth = new VideoReceiveCap(0, kbps);
        return switch (codec) {
            case VP8 -> fromBandwidth.and(new VideoReceiveCap(positive(fmtp.get("max-fs"), MAX_MACROBLOCKS), 0));
            case H264 -> fromBandwidth.and(h264(fmtp));
            default -> fromBandwidth;
        };
    }

    /** The level's MaxFS and MaxBR, each raised by max-fs / max-br; no limit without an explicit profile-level-id. */
    static VideoReceiveCap h264(Map<String, String> fmtp) {
        if (!fmtp.containsKey("profile-level-id")) {
            return VideoReceiveCap.NONE;
        }
        int[] profileLevel = H264Parameters.profileLevel(fmtp);
        if (profileLevel == null) {
            return VideoReceiveCap.NONE;
        }
        Level level = Level.of(profileLevel[1], profileLevel[2]);
        if (level == null) {
            return VideoReceiveCap.NONE;
        }
        int maxFs = Math.max(level.maxFs, positive(fmtp.get("max-fs"), MAX_MACROBLOCKS));
        int maxBr = Math.max(level.maxBrKbps, positive(fmtp.get("max-br"), MAX_KBPS));
        return new VideoReceiveCap(maxFs, maxBr);
    }

    /** A positive number up to {@code limit}, else 0 (not stated). */
    static int positive(String text, int limit) {
        if (text == null) {
            return 0;
        }
        try {
            long v = Long.parseLong(text.trim());
            return v > 0 && v <= limit ? (int) v : 0;
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    /** H.264 Table A-1: the largest frame (macroblocks) and video bit rate (kbit/s, Baseline) per level. */
    enum Level {
        L1B(99, 128), L1(99, 64), L1_1(396, 192), L1_2(396, 384), L1_3(396, 768), L2(396, 2_000),
        L2_1(792, 4_000), L2_2(1_620, 4_000), L3(1_620, 10_000), L3_1(3_600, 14_000), L3_2(5_120, 20_000),
        L4(8_192, 20_000), L4_1(8_192, 50_000), L4_2(8_704, 50_000), L5(22_080, 135_000),
        L5_1(36_864, 240_000), L5_2(36_864, 240_000), L6(139_264, 240_000);

        private static final int CONSTRAINT_SET3 = 0x10;
        final int maxFs;
        final int maxBrKbps;

        Level(int maxFs, int maxBrKbps) {
            this.maxFs = maxFs;
            this.maxBrKbps = maxBrKbps;
        }

        /** The level of a level_idc (11 with constraint_set3 is level 1b, RFC 6184 §8.1), or null if unknown. */
        static Level of(int profileIop, int levelIdc) {
            return switch (levelIdc) {
                case 9 -> L1B;
                case 10 -> L1;
                case 11 -> (profileIop & CONSTRAINT_SET3) != 0 ? L1B : L1_1;
                case 12 -> L1_2;
                case 13 -> L1_3;
                case 20 -> L2;
                case 21 -> L2_1;
                case 22 -> L2_2;
                case 30 -> L3;
                case 31 -> L3_1;
                case 32 -> L3_2;
                case 40 -> L4;
                case 41 -> L4_1;
                case 42 -> L4_2;
                case 50 -> L5;
                case 51 -> L5_1;
                case 52 -> L5_2;
                case 60, 61, 62 -> L6;
                default -> null;
            };
        }
    }
}
