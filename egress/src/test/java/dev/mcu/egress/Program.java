package dev.mcu.egress;

import dev.mcu.encoder.VideoEncoder;
import dev.mcu.encoder.VideoEncoderConfig;
import dev.mcu.media.Audio;
import dev.mcu.media.Codec;
import dev.mcu.media.EncodedFrame;
import dev.mcu.media.I420Frame;
import dev.mcu.media.analysis.Tones;

/**
 * Test helper: a room's program as the room would hand it to a hub. The picture is red on the left
 * half and blue on the right (two tiles); the mix carries 440 Hz and 1,000 Hz (two talkers). It is
 * fed at twice real time on a test clock the hub reads, so timestamps follow the media.
 */
final class Program implements AutoCloseable {
    static final int WIDTH = 640;
    static final int HEIGHT = 360;
    static final int FPS = 30;
    static final double LEFT_TONE = 440;
    static final double RIGHT_TONE = 1000;

    private final I420Frame canvas = twoTiles();
    private final VideoEncoder encoder;          // owned
    private final short[] pcm = new short[Audio.FRAME_SAMPLES];
    private final short[] second = new short[Audio.FRAME_SAMPLES];
    private long nanos = 1_000_000_000L;
    private long audioFrames;
    private long videoFrames;

    Program() {
        encoder = VideoEncoder.create(VideoEncoderConfig.of(Codec.H264, WIDTH, HEIGHT).withFps(FPS)
                .withBitrateKbps(800).withKeyframeIntervalFrames(FPS * 10));
    }

    /** The hub's clock: the program's own time. */
    long nanoTime() {
        return nanos;
    }

    void requestKeyframe() {
        encoder.requestKeyframe();
    }

    /** The encoder's first access unit, an IDR with SPS and PPS in front. */
    byte[] firstKeyframe() {
        return encoder.encode(canvas, 0).data();
    }

    /** Feeds {@code seconds} of program, interleaving audio and video by time. */
    void feed(EgressHub hub, double seconds) throws InterruptedException {
        long end = nanos + (long) (seconds * 1e9);
        while (nanos < end) {
            long audioDue = audioFrames * 20_000_000L;
            long videoDue = videoFrames * 1_000_000_000L / FPS;
            if (audioDue <= videoDue) {
                Tones.sine(pcm, LEFT_TONE, 6000, Audio.SAMPLE_RATE, audioFrames * pcm.length);
                Tones.sine(second, RIGHT_TONE, 6000, Audio.SAMPLE_RATE, audioFrames * pcm.length);
                for (int i = 0; i < pcm.length; i++) {
                    pcm[i] = (short) (pcm[i] + second[i]);
                }
                hub.onAudio(pcm);
                audioFrames++;
                nanos = 1_000_000_000L + audioFrames * 20_000_000L;
                Thread.sleep(10); // twice real time: the egress threads keep up without drops
            } else {
                EncodedFrame frame = encoder.encode(canvas, videoFrames * 3000);
                if (frame != null) {
                    hub.onVideo(frame);
                }
                videoFrames++;
            }
        }
    }

    /** Red (Y 81, U 90, V 240) on the left half, blue (Y 41, U 240, V 110) on the right. */
    private static I420Frame twoTiles() {
        I420Frame red = I420Frame.solid(WIDTH, HEIGHT, 81, 90, 240);
        byte[] data = red.data().clone();
        int chromaWidth = I420Frame.chromaWidth(WIDTH);
        for (int y = 0; y < HEIGHT; y++) {
            for (int x = WIDTH / 2; x < WIDTH; x++) {
                data[y * WIDTH + x] = 41;
            }
        }
        for (int y = 0; y < I420Frame.chromaHeight(HEIGHT); y++) {
            for (int x = chromaWidth / 2; x < chromaWidth; x++) {
                data[red.offsetU() + y * chromaWidth + x] = (byte) 240;
                data[red.offsetV() + y * chromaWidth + x] = 110;
            }
        }
        return new I420Frame(WIDTH, HEIGHT, data, 0);
    }

    @Override
    public void close() {
        encoder.close();
    }
}
