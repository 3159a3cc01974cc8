package dev.mcu.app;

import dev.mcu.app.testing.Await;
import dev.mcu.app.testing.BaresipAudioDump;
import dev.mcu.app.testing.BaresipPhone;
import dev.mcu.app.testing.SyntheticParticipant;
import dev.mcu.app.testing.TestServers;
import dev.mcu.media.Audio;
import dev.mcu.media.Codec;
import dev.mcu.media.I420Frame;
import dev.mcu.media.MediaKind;
import dev.mcu.media.analysis.Tones;
import dev.mcu.sip.Call;
import dev.mcu.media.NegotiatedStream;
import dev.mcu.sip.testing.PhoneResponse;
import dev.mcu.sip.testing.SipTestPhone;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * A real SIP phone nobody here wrote (baresip) dials into a room where one of our synthetic phones
 * already is, and both check what their users would: the call is up, each sees the other's colour
 * in the grid, each hears the other's tone but not its own. baresip's side is read from its own
 * outputs: a PNG snapshot of the video it decoded and the WAV dump of the audio it decoded.
 *
 * <p>The SDP baresip offered and the MCU's answer are saved under
 * {@code target/baresip-interop/<codec>/} and printed; baresip's whole log and the audio it received
 * are kept there too.
 *
 * <p>Skipped when baresip is not installed; {@code .ci/run} installs it.
 */
class BaresipInteropTest {
    private static final String ROOM = "interop";
    private static final int[] GREEN = {145, 54, 34}; // BT.601 limited range {Y, U, V}
    private static final int[] RED = {81, 90, 240};
    private static final int CHROMA_TOLERANCE = 24;
    private static final double SYNTHETIC_TONE_HZ = 1000;
    // Two participants: a 2x1 grid on the 640x360 canvas, in join order; the synthetic phone joins first.
    private static final int CANVAS_WIDTH = 640;
    private static final int CANVAS_HEIGHT = 360;

    private final List<AutoCloseable> toClose = new ArrayList<>();

    @TempDir
    Path baresipDir;

    @AfterEach
    void closeEverything() throws Exception {
        for (int i = toClose.size() - 1; i >= 0; i--) {
            toClose.get(i).close();
        }
    }

    private <T extends AutoCloseable> T closeLater(T resource) {
        toClose.add(resource);
        return resource;
    }

    @ParameterizedTest(name = "baresip offering {0}")
    @ValueSource(strings = {"vp8", "h264"})
    void baresipAndASyntheticPhoneSeeAndHearEachOtherButNotThemselves(String baresipVideoCodec) throws Exception {
        Optional<String> missing = BaresipPhone.whatIsMissing();
        assumeTrue(missing.isEmpty(), () -> "skipped: " + missing.orElse(""));

        McuServer server = closeLater(TestServers.start());
        int sipPort = server.config().sip().port();
        SyntheticParticipant synthetic = closeLater(
                new SyntheticParticipant("green", Codec.OPUS, Codec.H264, 1, GREEN, SYNTHETIC_TONE_HZ));
        SipTestPhone phone = closeLater(new SipTestPhone("127.0.0.1", sipPort, "udp", synthetic.name()));
        SipTestPhone.Outgoing syntheticCall = phone.invite(ROOM, synthetic.offer());
        PhoneResponse answer = syntheticCall.awaitFinal();
        assertEquals(200, answer.status(), "the synthetic phone was not let in: " + answer.reason());
        syntheticCall.ack();
        synthetic.start(answer.body());

        Path record = Path.of("target", "baresip-interop", baresipVideoCodec);
        Files.createDirectories(record);
        BaresipPhone baresip = closeLater(BaresipPhone.dial(baresipDir, "sip:" + ROOM + "@127.0.0.1:" + sipPort,
                baresipVideoCodec));
        baresip.keepOutputsWhenClosedIn(record);

        // (1) SIP: the server has baresip's call up, in the room, with audio and video agreed.
        Await.until(Duration.ofSeconds(10), () -> baresipCall(server).isPresent()
                        && server.roomSnapshot(ROOM).map(s -> s.participants() == 2).orElse(false),
                () -> "baresip's call is not up; server: " + server.roomSnapshot(ROOM) + "; baresip log:\n" + baresip.log());
        Call call = baresipCall(server).orElseThrow();
        assertEquals(Codec.OPUS, stream(call, MediaKind.AUDIO).codec(), "audio codec agreed with baresip");
        assertEquals(baresipVideoCodec.equals("vp8") ? Codec.VP8 : Codec.H264, stream(call, MediaKind.VIDEO).codec(),
                "video codec agreed with baresip");
        Await.until(Duration.ofSeconds(5), () -> baresip.sipTrace().answer().isPresent(),
                () -> "no 200 OK with SDP in baresip's SIP trace:\n" + baresip.log());
        String offerSdp = baresip.sipTrace().offer().orElseThrow();
        String answerSdp = baresip.sipTrace().answer().orElseThrow();
        saveForTheRecord(record, offerSdp, answerSdp);
        assertTrue(answerSdp.matches("(?s).*m=video [1-9]\\d* RTP/AVPF? \\d+.*"), "the answer accepts video:\n" + answerSdp);
        assertTrue(answerSdp.matches("(?s).*m=audio [1-9]\\d* RTP/AVP \\d+.*"), "the answer accepts audio:\n" + answerSdp);

        // (2) baresip -> MCU -> synthetic phone: baresip's red tile beside the synthetic's own green one,
        // and baresip's 440 Hz in the mix, without the synthetic's own 1000 Hz.
        Await.until(Duration.ofSeconds(20), () -> syntheticSeesBothTiles(synthetic.lastPicture()),
                () -> "the synthetic phone decoded " + synthetic.framesDecoded() + " frames; "
                        + describe(synthetic.lastPicture()) + "; server: " + server.roomSnapshot(ROOM)
                        + " baresip video in: " + call.transport().stats(MediaKind.VIDEO));
        Await.until(Duration.ofSeconds(15), () -> hears(synthetic.lastHeard(Audio.SAMPLE_RATE), Audio.SAMPLE_RATE,
                        BaresipPhone.TONE_HZ, SYNTHETIC_TONE_HZ),
                () -> "the synthetic phone hears " + tones(synthetic.lastHeard(Audio.SAMPLE_RATE), Audio.SAMPLE_RATE));

        // (3) MCU -> baresip: the grid it decoded holds the synthetic's green tile (and its own red one),
        // and what it decoded to its speaker holds 1000 Hz but not its own 440 Hz.
        BufferedImage[] seen = {null};
        int[] attempt = {0};
        Await.until(Duration.ofSeconds(15), () -> {
            seen[0] = receivedSnapshot(baresip, attempt[0]++);
            return seen[0] != null && baresipSeesBothTiles(seen[0]);
        }, () -> "baresip's received video: " + describe(seen[0]) + " after " + attempt[0] + " snapshots");
        assertEquals(CANVAS_WIDTH, seen[0].getWidth(), "width of the video baresip decoded");
        assertEquals(CANVAS_HEIGHT, seen[0].getHeight(), "height of the video baresip decoded");

        Await.until(Duration.ofSeconds(10), () -> baresipHearsTheSyntheticButNotItself(baresip),
                () -> "baresip hears " + baresipHears(baresip));

        System.out.println("synthetic phone sees " + describe(synthetic.lastPicture()) + " and hears "
                + tones(synthetic.lastHeard(Audio.SAMPLE_RATE), Audio.SAMPLE_RATE) + "; baresip sees " + describe(seen[0])
                + " and hears " + baresipHears(baresip));
        assertTrue(baresip.isRunning(), "baresip is still running at the end:\n" + baresip.log());
        assertEquals(200, syntheticCall.bye().status());
    }

    private static Optional<Call> baresipCall(McuServer server) {
        return server.calls().stream().filter(c -> c.joinRequest().callerUri().contains("baresip")).findFirst();
    }

    private static NegotiatedStream stream(Call call, MediaKind kind) {
        return call.streams().stream().filter(s -> s.kind() == kind).findFirst()
                .orElseThrow(() -> new AssertionError("no " + kind + " stream agreed with baresip: " + call.streams()));
    }

    private static void saveForTheRecord(Path out, String offer, String answer) throws IOException {
        Files.writeString(out.resolve("offer.sdp"), offer);
        Files.writeString(out.resolve("answer.sdp"), answer);
        System.out.println("=== SDP baresip offered ===\n" + offer.replace("\r", "")
                + "=== SDP the MCU answered ===\n" + answer.replace("\r", "") + "=== saved in " + out.toAbsolutePath());
    }

    // --- what the synthetic phone sees and hears ---

    private static boolean syntheticSeesBothTiles(I420Frame picture) {
        return picture != null && picture.width() == CANVAS_WIDTH && picture.height() == CANVAS_HEIGHT
                && chromaNear(picture, CANVAS_WIDTH / 4, CANVAS_HEIGHT / 2, GREEN)
                && chromaNear(picture, 3 * CANVAS_WIDTH / 4, CANVAS_HEIGHT / 2, RED);
    }

    private static boolean chromaNear(I420Frame picture, int x, int y, int[] yuv) {
        return Math.abs(picture.uAt(x, y) - yuv[1]) <= CHROMA_TOLERANCE && Math.abs(picture.vAt(x, y) - yuv[2]) <= CHROMA_TOLERANCE;
    }

    private static String describe(I420Frame picture) {
        if (picture == null) {
            return "no picture yet";
        }
        StringBuilder out = new StringBuilder(picture.width() + "x" + picture.height());
        for (int x : new int[] {picture.width() / 4, 3 * picture.width() / 4}) {
            int y = picture.height() / 2;
            out.append(String.format(" YUV(%d,%d,%d) at %d,%d", picture.lumaAt(x, y), picture.uAt(x, y), picture.vAt(x, y), x, y));
        }
        return out.toString();
    }

    /** {@code other} clearly present and {@code own} (mix-minus) all but absent. */
    private static boolean hears(short[] heard, int sampleRate, double otherHz, double ownHz) {
        double other = Tones.amplitude(heard, otherHz, sampleRate);
        double own = Tones.amplitude(heard, ownHz, sampleRate);
        return other > 1000 && own < other * 0.05;
    }

    private static String tones(short[] heard, int sampleRate) {
        return String.format("440 Hz=%.0f, 1000 Hz=%.0f (of %d samples at %d Hz)",
                Tones.amplitude(heard, BaresipPhone.TONE_HZ, sampleRate),
                Tones.amplitude(heard, SYNTHETIC_TONE_HZ, sampleRate), heard.length, sampleRate);
    }

    // --- what baresip sees and hears ---

    /** Asks for a fresh snapshot and waits up to 2 s for it; null when none came. */
    private BufferedImage receivedSnapshot(BaresipPhone baresip, int attempt) {
        Path png = baresipDir.resolve("recv-" + attempt + ".png");
        try {
            baresip.requestReceivedSnapshot(png);
            long deadline = System.nanoTime() + 2_000_000_000L;
            while (System.nanoTime() < deadline) {
                if (Files.exists(png) && Files.size(png) > 0) {
                    BufferedImage image = ImageIO.read(png.toFile());
                    if (image != null) {
                        return image;
                    }
                }
                Thread.sleep(50);
            }
        } catch (IOException e) {
            // half-written PNG or baresip busy: the caller asks again
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return null;
    }

    private static boolean baresipSeesBothTiles(BufferedImage image) {
        int y = image.getHeight() / 2;
        return isGreen(image.getRGB(image.getWidth() / 4, y)) && isRed(image.getRGB(3 * image.getWidth() / 4, y));
    }

    private static boolean isGreen(int rgb) {
        return green(rgb) > 180 && red(rgb) < 80 && blue(rgb) < 80;
    }

    private static boolean isRed(int rgb) {
        return red(rgb) > 180 && green(rgb) < 80 && blue(rgb) < 80;
    }

    private static int red(int rgb) {
        return (rgb >> 16) & 0xff;
    }

    private static int green(int rgb) {
        return (rgb >> 8) & 0xff;
    }

    private static int blue(int rgb) {
        return rgb & 0xff;
    }

    private static String describe(BufferedImage image) {
        if (image == null) {
            return "no snapshot";
        }
        int y = image.getHeight() / 2;
        int left = image.getRGB(image.getWidth() / 4, y);
        int right = image.getRGB(3 * image.getWidth() / 4, y);
        return String.format("%dx%d, RGB(%d,%d,%d) left, RGB(%d,%d,%d) right", image.getWidth(), image.getHeight(),
                red(left), green(left), blue(left), red(right), green(right), blue(right));
    }

    private static boolean baresipHearsTheSyntheticButNotItself(BaresipPhone baresip) {
        try {
            Optional<Path> dump = baresip.receivedAudioDump();
            if (dump.isEmpty()) {
                return false;
            }
            BaresipAudioDump.Tail tail = BaresipAudioDump.lastSeconds(dump.get(), 1.0);
            return tail.samples().length == tail.sampleRate()
                    && hears(tail.samples(), tail.sampleRate(), SYNTHETIC_TONE_HZ, BaresipPhone.TONE_HZ);
        } catch (IOException e) {
            return false;
        }
    }

    private static String baresipHears(BaresipPhone baresip) {
        try {
            Optional<Path> dump = baresip.receivedAudioDump();
            if (dump.isEmpty()) {
                return "nothing: no dump-*-dec.wav yet";
            }
            BaresipAudioDump.Tail tail = BaresipAudioDump.lastSeconds(dump.get(), 1.0);
            return tones(tail.samples(), tail.sampleRate()) + ", " + tail.totalFrames() + " frames in " + dump.get();
        } catch (IOException e) {
            return "unreadable: " + e;
        }
    }
}
