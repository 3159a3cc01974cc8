package dev.mcu.bench.load;

import dev.mcu.decoder.VideoDecoder;
import dev.mcu.media.Codec;
import dev.mcu.media.I420Frame;
import dev.mcu.media.h264.H264Depacketizer;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * Times the video path and the A/V skew at a receiver. Participant 0 flashes its picture (flat
 * bright luma, its hue kept) at the very instant its audio burst starts, once per 2 s loop
 * ({@link MediaLibrary#FLASH_FIRST_FRAME}). Participant 1 records the composite it receives with
 * each packet's arrival time ({@link VideoRecorder}); afterwards this decodes the recording, finds
 * participant 0's tile by its hue, and takes the arrival of the first frame in which that tile turns
 * bright. Video added latency = that arrival − the flash's first frame sent; A/V skew = that video
 * latency − the same cycle's audio latency (burst sent → first mix packet carrying it,
 * {@link MediaPump}): positive when the picture comes later than the sound. Grid layout only.
 *
 * <p>Threads: the main thread, after the measurement window.
 */
final class VideoLatencyProbe {
    /** Tile mean luma above this is the flash (the normal picture averages about 106), below OFF it is over. */
    private static final double FLASH_ON = 200;
    private static final double FLASH_OFF = 150;
    /** A flash is matched to one sent less than this before it (flashes come every 2 s). */
    private static final long MAX_LATENCY_NANOS = 1_900_000_000L;
    /** The burst of the same cycle was sent within this of the flash (both at the cycle's 1.8 s). */
    private static final long SAME_CYCLE_NANOS = 100_000_000L;
    private static final int INSET = 8;

    record Result(List<Double> videoMillis, List<Double> skewMillis, int flashesSent) {
        double videoPercentile(double p) {
            return percentile(videoMillis, p);
        }

        double skewPercentile(double p) {
            return percentile(skewMillis, p);
        }
    }

    private VideoLatencyProbe() {
    }

    /** Null when there was nothing to decode or the flashing tile was not found. */
    static Result measure(VideoRecorder recorder, List<Long> flashesSent, List<long[]> burstsHeard, int participants) {
        List<FfmpegBaseline.Picture> tiles = FfmpegBaseline.gridPictures(participants);
        List<Double> video = new ArrayList<>();
        List<Double> skew = new ArrayList<>();
        int flashTile = -1;
        boolean bright = false;
        try (VideoDecoder decoder = new VideoDecoder(Codec.H264)) {
            for (VideoRecorder.TimedFrame f : recorder.frames(new H264Depacketizer())) {
                I420Frame picture = decoder.decode(f.frame());
                if (picture == null || picture.width() != FfmpegBaseline.CANVAS_WIDTH
                        || picture.height() != FfmpegBaseline.CANVAS_HEIGHT) {
                    continue;
                }
                if (flashTile < 0) {
                    flashTile = tileOfParticipantZero(picture, tiles);
                    if (flashTile < 0) {
                        continue;
                    }
                }
                double luma = meanLuma(picture, tiles.get(flashTile));
                if (!bright && luma > FLASH_ON) {
                    bright = true;
                    onset(f.arrivedNanos(), flashesSent, burstsHeard, video, skew);
                } else if (bright && luma < FLASH_OFF) {
                    bright = false;
                }
            }
        }
        return flashTile < 0 ? null : new Result(video, skew, flashesSent.size());
    }

    private static void onset(long arrived, List<Long> flashesSent, List<long[]> burstsHeard,
                              List<Double> video, List<Double> skew) {
        long sent = -1;
        for (long s : flashesSent) {
            if (s <= arrived && s > sent) {
                sent = s;
            }
        }
        if (sent < 0 || arrived - sent >= MAX_LATENCY_NANOS) {
            return;
        }
        double videoMillis = (arrived - sent) / 1e6;
        video.add(videoMillis);
        for (long[] burst : burstsHeard) {
            if (Math.abs(burst[0] - sent) < SAME_CYCLE_NANOS) {
                skew.add(videoMillis - (burst[1] - burst[0]) / 1e6);
                break;
            }
        }
    }

    /** The tile whose chroma is participant 0's hue (U high, V neutral: {@link MediaLibrary#picture}). */
    private static int tileOfParticipantZero(I420Frame picture, List<FfmpegBaseline.Picture> tiles) {
        double u0 = 128 + 90 * Math.cos(0);
        double v0 = 128 + 90 * Math.sin(0);
        int best = -1;
        double bestDistance = 30;
        for (int i = 0; i < tiles.size(); i++) {
            double[] uv = meanChroma(picture, tiles.get(i));
            double distance = Math.abs(uv[0] - u0) + Math.abs(uv[1] - v0);
            if (distance < bestDistance) {
                bestDistance = distance;
                best = i;
            }
        }
        return best;
    }

    private static double meanLuma(I420Frame f, FfmpegBaseline.Picture t) {
        byte[] d = f.data();
        long sum = 0;
        int n = 0;
        for (int y = t.y() + INSET; y < t.y() + t.height() - INSET; y += 2) {
            for (int x = t.x() + INSET; x < t.x() + t.width() - INSET; x += 2) {
                sum += d[y * f.width() + x] & 0xff;
                n++;
            }
        }
        return n == 0 ? 0 : (double) sum / n;
    }

    private static double[] meanChroma(I420Frame f, FfmpegBaseline.Picture t) {
        byte[] d = f.data();
        int cw = I420Frame.chromaWidth(f.width());
        int uOffset = f.width() * f.height();
        int vOffset = uOffset + cw * I420Frame.chromaHeight(f.height());
        long u = 0;
        long v = 0;
        int n = 0;
        for (int y = (t.y() + INSET) / 2; y < (t.y() + t.height() - INSET) / 2; y += 2) {
            for (int x = (t.x() + INSET) / 2; x < (t.x() + t.width() - INSET) / 2; x += 2) {
                u += d[uOffset + y * cw + x] & 0xff;
                v += d[vOffset + y * cw + x] & 0xff;
                n++;
            }
        }
        return n == 0 ? new double[]{0, 0} : new double[]{(double) u / n, (double) v / n};
    }

    private static double percentile(List<Double> values, double p) {
        if (values.isEmpty()) {
            return Double.NaN;
        }
        List<Double> sorted = new ArrayList<>(values);
        Collections.sort(sorted);
        return sorted.get((int) Math.min(sorted.size() - 1, Math.max(0, Math.ceil(p / 100 * sorted.size()) - 1)));
    }
}
