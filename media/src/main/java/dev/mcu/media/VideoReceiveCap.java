package dev.mcu.media;

/**
 * The most a receiver said in its SDP it can take of our video: a frame size in 16x16 macroblocks
 * (VP8/H.264 {@code max-fs}, or the H.264 level's MaxFS) and a bit rate ({@code b=AS}, {@code b=TIAS},
 * the H.264 level's MaxBR). 0 means "not stated": no limit from that side. Immutable.
 *
 * @param maxMacroblocks the largest picture, in macroblocks; 0 when unstated
 * @param maxKbps        the highest bit rate in kbit/s; 0 when unstated
 */
public record VideoReceiveCap(int maxMacroblocks, int maxKbps) {
    public static final VideoReceiveCap NONE = new VideoReceiveCap(0, 0);

    public VideoReceiveCap {
        maxMacroblocks = Math.max(0, maxMacroblocks);
        maxKbps = Math.max(0, maxKbps);
    }

    /** Whether a {@code width} x {@code height} picture at {@code kbps} is within this cap. */
    public boolean fits(int width, int height, int kbps) {
        return fitsSize(width, height) && (maxKbps == 0 || kbps <= maxKbps);
    }

    /**
     * Within {@code max-fs}: at most that many macroblocks, and neither side longer than
     * sqrt(8 * max-fs) macroblocks (the aspect rule of RFC 7741 §6.1 and H.264 Annex A.3.1).
     */
    public boolean fitsSize(int width, int height) {
        if (maxMacroblocks == 0) {
            return true;
        }
        long wide = (width + 15) / 16;
        long high = (height + 15) / 16;
        long side = 8L * maxMacroblocks;
        return wide * high <= maxMacroblocks && wide * wide <= side && high * high <= side;
    }

    public boolean isLimited() {
        return maxMacroblocks > 0 || maxKbps > 0;
    }

    /** The tighter of the two caps on each side. */
    public VideoReceiveCap and(VideoReceiveCap other) {
        return new VideoReceiveCap(tighter(maxMacroblocks, other.maxMacroblocks), tighter(maxKbps, other.maxKbps));
    }

    private static int tighter(int a, int b) {
        return a == 0 ? b : b == 0 ? a : Math.min(a, b);
    }

    /** For logs: {@code at most 396 macroblocks and 200 kbit/s}. */
    @Override
    public String toString() {
        if (!isLimited()) {
            return "no stated limit";
        }
        StringBuilder s = new StringBuilder("at most");
        if (maxMacroblocks > 0) {
            s.append(' ').append(maxMacroblocks).append(" macroblocks");
        }
        if (maxKbps > 0) {
            s.append(maxMacroblocks > 0 ? " and " : " ").append(maxKbps).append(" kbit/s");
        }
        return s.toString();
    }
}
