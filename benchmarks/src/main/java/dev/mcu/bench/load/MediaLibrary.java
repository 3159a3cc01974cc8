package dev.mcu.bench.load;

import dev.mcu.encoder.AudioEncoder;
import dev.mcu.encoder.VideoEncoder;
import dev.mcu.encoder.VideoEncoderConfig;
import dev.mcu.media.Audio;
import dev.mcu.media.Codec;
import dev.mcu.media.EncodedFrame;
import dev.mcu.media.I420Frame;
import dev.mcu.media.analysis.Tones;
import dev.mcu.media.h264.H264Packetizer;

import java.util.ArrayList;
import java.util.List;

/**
 * Media encoded once at start-up with the project's own encoders, so that senders only replay
 * packets: per participant a 2 s loop of 640x360@30 H.264 (a moving pattern in its own hue; one
 * keyframe at the start of the loop) and 1 s of Opus carrying its own tone, plus the talker's 2 s
 * cycle of silence followed by a {@link #BURST_MILLIS} tone burst at {@link #BURST_HZ}.
 * Packets are complete RTP packets whose sequence number, timestamp and SSRC the sender rewrites.
 *
 * <p>Threads: built on the main thread, then read-only (shared by sender threads).
 */
public final class MediaLibrary {
    static final int VIDEO_WIDTH = 640;
    static final int VIDEO_HEIGHT = 360;
    static final int VIDEO_FPS = 30;
    public static final int VIDEO_LOOP_FRAMES = 60;
    static final int VIDEO_KBPS = 600;
    static final int VIDEO_PAYLOAD_TYPE = 96;
    static final int AUDIO_PAYLOAD_TYPE = 111;
    static final int TONE_AMPLITUDE = 1000;
    static final double BURST_HZ = 2500;
    static final int BURST_AMPLITUDE = 6000;
    static final int BURST_MILLIS = 200;
    static final int BURST_CYCLE_FRAMES = 100;                               // 2 s
    static final int BURST_FIRST_FRAME = BURST_CYCLE_FRAMES - BURST_MILLIS / Audio.FRAME_MILLIS;
    /**
     * Participant 0's video loop flashes (full-bright luma, its own hue kept) from this frame to the
     * loop's end: 200 ms starting at 1.8 s into the 2 s loop, the same instant as its audio burst
     * (both start at the participant's first packet), so a receiver times the video path and the
     * A/V skew ({@link VideoLatencyProbe}).
     */
    static final int FLASH_FIRST_FRAME = VIDEO_LOOP_FRAMES - BURST_MILLIS * VIDEO_FPS / 1000;
    static final int FLASH_LUMA = 235;
    /** Radius in pixels of the square's circle: one turn per loop, ~9 px a frame. */
    private static final int BOX_ORBIT = 90;

    /** Video frames of one loop; each frame is its RTP packets, and the same frames as Annex B access units. */
    record VideoLoop(List<List<byte[]>> frames, List<byte[]> accessUnits, String encoderName, long bytes) {
    }

    /** Opus payloads of a loop and, per payload, its RFC 6464 level byte (voice bit | -dBov). */
    record AudioLoop(List<byte[]> payloads, byte[] levels) {
    }

    private MediaLibrary() {
    }

    /** Participant {@code index}'s tone: 300 Hz + 97 Hz per index, like the ffmpeg baseline's inputs. */
    static double toneHz(int index) {
        return 300 + index * 97;
    }

    static VideoLoop encodeVideo(int index) {
        VideoEncoderConfig config = VideoEncoderConfig.of(Codec.H264, VIDEO_WIDTH, VIDEO_HEIGHT)
                .withFps(VIDEO_FPS).withBitrateKbps(VIDEO_KBPS).withKeyframeIntervalFrames(VIDEO_LOOP_FRAMES);
        H264Packetizer packetizer = new H264Packetizer(1, VIDEO_PAYLOAD_TYPE, 1, 1200, true, 0);
        List<List<byte[]>> frames = new ArrayList<>();
        List<byte[]> accessUnits = new ArrayList<>();
        long bytes = 0;
        try (VideoEncoder encoder = VideoEncoder.create(config)) {
            for (int f = 0; f < VIDEO_LOOP_FRAMES; f++) {
                EncodedFrame frame = encoder.encode(picture(index, f), f * 3000L);
                List<byte[]> packets = frame == null ? List.of() : packetizer.packetize(frame);
                for (byte[] p : packets) {
                    bytes += p.length;
                }
                frames.add(packets);
                accessUnits.add(frame == null ? new byte[0] : frame.data());
            }
            return new VideoLoop(frames, accessUnits, encoder.encoderName(), bytes);
        }
    }

    /**
     * A diagonal luma ramp that scrolls, a bright square that moves, chroma from the participant's hue;
     * participant 0's last {@link #FLASH_FIRST_FRAME}.. frames are a flash (flat bright luma).
     * The motion is periodic over the loop (the ramp moves two of its 128-pixel periods, the square goes
     * once round a circle at ~9 px a frame), so a restart is not a cut: when several participants' loops
     * restarted in step with a jump, the whole composite changed at once and OpenH264 (both the server's
     * and the ffmpeg CLI's) inserted a scene-change IDR every 2 s in some runs and not in others.
     */
    public static I420Frame picture(int index, int frame) {
        int w = VIDEO_WIDTH;
        int h = VIDEO_HEIGHT;
        byte[] data = new byte[I420Frame.sizeOf(w, h)];
        boolean flash = index == 0 && frame >= FLASH_FIRST_FRAME;
        int shift = frame * 256 / VIDEO_LOOP_FRAMES;
        double turn = 2 * Math.PI * frame / VIDEO_LOOP_FRAMES;
        int boxX = (w - 64) / 2 + (int) Math.round(BOX_ORBIT * Math.cos(turn));
        int boxY = (h - 64) / 2 + (int) Math.round(BOX_ORBIT * Math.sin(turn));
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                boolean box = x >= boxX && x < boxX + 64 && y >= boxY && y < boxY + 64;
                data[y * w + x] = (byte) (flash ? FLASH_LUMA : box ? 235 : 40 + ((x + y + shift) & 127));
            }
        }
        double hue = Math.toRadians(index * 22.5);
        byte u = (byte) (128 + 90 * Math.cos(hue));
        byte v = (byte) (128 + 90 * Math.sin(hue));
        int chroma = I420Frame.chromaWidth(w) * I420Frame.chromaHeight(h);
        java.util.Arrays.fill(data, w * h, w * h + chroma, u);
        java.util.Arrays.fill(data, w * h + chroma, w * h + 2 * chroma, v);
        return new I420Frame(w, h, data, frame * 1_000_000L / VIDEO_FPS);
    }

    /** One second of Opus payloads of participant {@code index}'s tone (an integer frequency: loops seamlessly). */
    static AudioLoop encodeTone(int index) {
        return encodeAudio(1000 / Audio.FRAME_MILLIS, (pcm, f) ->
                Tones.sine(pcm, toneHz(index), TONE_AMPLITUDE, Audio.SAMPLE_RATE, (long) f * Audio.FRAME_SAMPLES));
    }

    /** One second of digital silence, a packet every 20 ms (the encoder's DTX is off, as it always is here). */
    static AudioLoop encodeSilence() {
        return encodeAudio(1000 / Audio.FRAME_MILLIS, (pcm, f) -> java.util.Arrays.fill(pcm, (short) 0));
    }

    /** The talker's cycle: silence, then the burst in frames {@link #BURST_FIRST_FRAME}.. of the cycle. */
    static AudioLoop encodeBurstCycle() {
        return encodeAudio(BURST_CYCLE_FRAMES, (pcm, f) -> {
            if (f >= BURST_FIRST_FRAME) {
                Tones.sine(pcm, BURST_HZ, BURST_AMPLITUDE, Audio.SAMPLE_RATE, (long) f * Audio.FRAME_SAMPLES);
            } else {
                java.util.Arrays.fill(pcm, (short) 0);
            }
        });
    }

    private static AudioLoop encodeAudio(int frames, java.util.function.ObjIntConsumer<short[]> fill) {
        List<byte[]> payloads = new ArrayList<>();
        byte[] levels = new byte[frames];
        try (AudioEncoder encoder = AudioEncoder.create(Codec.OPUS)) {
            short[] pcm = new short[Audio.FRAME_SAMPLES];
            for (int f = 0; f < frames; f++) {
                fill.accept(pcm, f);
                payloads.add(encoder.encode(pcm));
                levels[f] = levelIndication(pcm);
            }
        }
        return new AudioLoop(payloads, levels);
    }

    /** RFC 6464: the voice-activity bit (set above -50 dBov) and the level as -dBov, 0..127. */
    static byte levelIndication(short[] pcm) {
        double sum = 0;
        for (short sample : pcm) {
            sum += (double) sample * sample;
        }
        double rms = Math.sqrt(sum / pcm.length);
        double dbov = rms <= 0 ? -127 : 20 * Math.log10(rms / 32768.0);
        int level = (int) Math.max(0, Math.min(127, Math.round(-dbov)));
        return (byte) ((dbov > -50 ? 0x80 : 0) | level);
    }

    /**
     * Writes what the ffmpeg baseline and the quality measurement need for participant {@code index}:
     * {@code in<i>.h264}, the very loop it sends (Annex B, 60 frames at 30 fps), and
     * {@code src<i>.yuv}, the 60 pictures before encoding (I420, 640x360), the reference for SSIM.
     */
    static void writeBaselineInputs(java.nio.file.Path dir, int index, VideoLoop loop) throws java.io.IOException {
        java.nio.file.Files.createDirectories(dir);
        try (var out = new java.io.BufferedOutputStream(java.nio.file.Files.newOutputStream(dir.resolve("in" + index + ".h264")))) {
            for (byte[] au : loop.accessUnits()) {
                out.write(au);
            }
        }
        try (var out = new java.io.BufferedOutputStream(java.nio.file.Files.newOutputStream(dir.resolve("src" + index + ".yuv")))) {
            for (int f = 0; f < VIDEO_LOOP_FRAMES; f++) {
                out.write(picture(index, f).data());
            }
        }
    }
}
