package dev.mcu.app;

import dev.mcu.app.testing.Await;
import dev.mcu.app.testing.BaresipAudioDump;
import dev.mcu.app.testing.BaresipPhone;
import dev.mcu.app.testing.SyntheticParticipant;
import dev.mcu.app.testing.TestServers;
import dev.mcu.media.Audio;
import dev.mcu.media.Codec;
import dev.mcu.media.MediaKind;
import dev.mcu.media.analysis.Tones;
import dev.mcu.sip.Call;
import dev.mcu.sip.testing.PhoneResponse;
import dev.mcu.sip.testing.SipTestPhone;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * SIP phones that encrypt their media with SDES-keyed SRTP (RFC 4568, {@code RTP/SAVP} with
 * {@code a=crypto}), with baresip and linphone as the phones: the server answers with SRTP and its
 * own key, each side hears the other through the encryption, and with {@code media.requireEncryption}
 * a plain RTP offer gets 488 while the encrypted phone still gets in. Each case is skipped when its
 * phone is not installed ({@code .ci/run} installs both).
 */
class SdesSrtpTest {
    private static final double SYNTHETIC_TONE_HZ = 1000;
    private static final double LINPHONE_TONE_HZ = 600;
    private static final int[] GREEN = {145, 54, 34};

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

    @Test
    void anSrtpPhoneIsAnsweredWithSrtpAndHearsAndIsHeardThroughIt() throws Exception {
        Optional<String> missing = BaresipPhone.whatIsMissing();
        assumeTrue(missing.isEmpty(), () -> "skipped: " + missing.orElse(""));
        McuServer server = closeLater(TestServers.start());
        SyntheticParticipant plain = plainPhoneJoins(server, "secret");

        BaresipPhone baresip = closeLater(BaresipPhone.dial(baresipDir, "sip:secret@127.0.0.1:" + server.config().sip().port(),
                "vp8", BaresipPhone.Placement.LOOPBACK, ";mediaenc=srtp-mand"));
        Await.until(Duration.ofSeconds(10), () -> baresipCall(server).isPresent()
                        && server.roomSnapshot("secret").map(s -> s.participants() == 2).orElse(false),
                () -> "baresip's SRTP call is not up; baresip log:\n" + baresip.log());
        Await.until(Duration.ofSeconds(5), () -> baresip.sipTrace().answer().isPresent(), () -> "no answer in baresip's trace");
        String answer = baresip.sipTrace().answer().orElseThrow();
        assertTrue(answer.matches("(?s).*m=audio [1-9]\\d* RTP/SAVP \\d+.*"), "the audio is answered as SRTP:\n" + answer);
        assertTrue(answer.contains("a=crypto:"), "the answer carries our key:\n" + answer);
        String offeredKey = inlineKey(baresip.sipTrace().offer().orElseThrow());
        String answeredKey = inlineKey(answer);
        assertTrue(!offeredKey.isEmpty() && !answeredKey.isEmpty() && !offeredKey.equals(answeredKey),
                "the server answers with a key of its own, not the phone's");

        // Through the MCU in both directions: the plain phone hears baresip's 440 Hz (so the server
        // decrypted it), baresip hears the plain phone's 1000 Hz and not itself (so it decrypted ours).
        Await.until(Duration.ofSeconds(15), () -> hears(plain.lastHeard(Audio.SAMPLE_RATE), Audio.SAMPLE_RATE,
                        BaresipPhone.TONE_HZ, SYNTHETIC_TONE_HZ),
                () -> "the plain phone hears " + tones(plain.lastHeard(Audio.SAMPLE_RATE), Audio.SAMPLE_RATE));
        Await.until(Duration.ofSeconds(15), () -> baresipHears(baresip, SYNTHETIC_TONE_HZ, BaresipPhone.TONE_HZ),
                () -> "baresip does not hear the plain phone through SRTP; log:\n" + baresip.log());
        Call call = baresipCall(server).orElseThrow();
        long srtpDrops = call.transport().stats(MediaKind.AUDIO).droppedByReason().getOrDefault("srtp", 0L);
        assertTrue(srtpDrops <= 2, "baresip's packets authenticate under its key: " + srtpDrops + " dropped");
    }

    /**
     * linphone with {@code media_encryption=srtp} made mandatory: it hangs up on an answer without
     * a key, so a connected call that carries audio both ways is SRTP both ways.
     */
    @Test
    void linphoneWithMandatorySrtpHearsAndIsHeardThroughTheMcu(@TempDir Path linphoneDir) throws Exception {
        assumeTrue(java.nio.file.Files.isExecutable(Path.of("/usr/bin/linphonec")) && java.nio.file.Files.isExecutable(Path.of("/usr/bin/ffmpeg")),
                "linphonec (apt-get install -y linphone-cli) and ffmpeg are needed");
        McuServer server = closeLater(TestServers.start());
        SyntheticParticipant plain = plainPhoneJoins(server, "secret");

        Path tone = linphoneDir.resolve("tone.wav");
        Path received = linphoneDir.resolve("received.wav");
        Process ffmpeg = new ProcessBuilder("ffmpeg", "-loglevel", "error", "-y", "-f", "lavfi", "-i",
                "sine=frequency=" + (int) LINPHONE_TONE_HZ + ":sample_rate=16000:duration=60", "-ac", "1", tone.toString())
                .redirectErrorStream(true).start();
        assertEquals(0, ffmpeg.waitFor(), new String(ffmpeg.getInputStream().readAllBytes()));
        int sipPort = TestServers.freeSipPort();
        int rtpPort = TestServers.freeSipPort();
        java.nio.file.Files.writeString(linphoneDir.resolve("rc"), String.join("\n",
                "[sip]", "sip_port=" + sipPort, "sip_tcp_port=0", "sip_tls_port=0", "use_ipv6=0",
                "media_encryption=srtp", "media_encryption_mandatory=1",
                "[rtp]", "audio_rtp_port=" + rtpPort, "video_rtp_port=" + (rtpPort + 2),
                "[video]", "display=0", "capture=0", "[sound]", "echocancellation=0", ""));
        Process linphone = new ProcessBuilder("linphonec", "-c", linphoneDir.resolve("rc").toString(), "-d", "0")
                .redirectErrorStream(true).redirectOutput(linphoneDir.resolve("linphone.log").toFile()).start();
        closeLater(() -> {
            linphone.destroy();
            if (!linphone.waitFor(5, java.util.concurrent.TimeUnit.SECONDS)) {
                linphone.destroyForcibly();
            }
        });
        java.io.Writer commands = new java.io.OutputStreamWriter(linphone.getOutputStream(), java.nio.charset.StandardCharsets.UTF_8);
        Thread.sleep(3000); // linphonec ignores commands until it is up (PEERS.md)
        for (String command : List.of("ipv6 disable", "soundcard use files", "play " + tone, "record " + received,
                "call sip:secret@127.0.0.1:" + server.config().sip().port())) {
            commands.write(command + "\n");
            commands.flush();
        }
        Await.until(Duration.ofSeconds(15), () -> server.roomSnapshot("secret").map(s -> s.participants() == 2).orElse(false),
                () -> "linphone's SRTP call is not up: " + readQuietly(linphoneDir.resolve("linphone.log")));
        Await.until(Duration.ofSeconds(15), () -> hears(plain.lastHeard(Audio.SAMPLE_RATE), Audio.SAMPLE_RATE,
                        LINPHONE_TONE_HZ, SYNTHETIC_TONE_HZ),
                () -> "the plain phone does not hear linphone through SRTP: " + String.format("%.0f Hz=%.0f, %.0f Hz=%.0f",
                        LINPHONE_TONE_HZ, Tones.amplitude(plain.lastHeard(Audio.SAMPLE_RATE), LINPHONE_TONE_HZ, Audio.SAMPLE_RATE),
                        SYNTHETIC_TONE_HZ, Tones.amplitude(plain.lastHeard(Audio.SAMPLE_RATE), SYNTHETIC_TONE_HZ, Audio.SAMPLE_RATE)));
        Thread.sleep(3000);
        commands.write("terminate\n");
        commands.flush();
        Await.until(Duration.ofSeconds(10), () -> server.roomSnapshot("secret").map(s -> s.participants() == 1).orElse(false),
                () -> "linphone did not hang up");
        BaresipAudioDump.Tail heard = BaresipAudioDump.lastSeconds(received, 1.0);
        assertTrue(hears(heard.samples(), heard.sampleRate(), SYNTHETIC_TONE_HZ, LINPHONE_TONE_HZ),
                "linphone heard the plain phone and not itself through SRTP: " + String.format("%.0f Hz=%.0f, %.0f Hz=%.0f",
                        SYNTHETIC_TONE_HZ, Tones.amplitude(heard.samples(), SYNTHETIC_TONE_HZ, heard.sampleRate()),
                        LINPHONE_TONE_HZ, Tones.amplitude(heard.samples(), LINPHONE_TONE_HZ, heard.sampleRate())));
        commands.write("quit\n");
        commands.flush();
    }

    private static String readQuietly(Path file) {
        try {
            return java.nio.file.Files.readString(file);
        } catch (IOException e) {
            return e.toString();
        }
    }

    @Test
    void requireEncryptionRefusesPlainRtpWith488AndLetsSrtpIn() throws Exception {
        McuServer server = closeLater(TestServers.start("media.requireEncryption=true"));
        SyntheticParticipant person = closeLater(new SyntheticParticipant("plain", Codec.OPUS, null, 0, GREEN, SYNTHETIC_TONE_HZ));
        SipTestPhone phone = closeLater(new SipTestPhone("127.0.0.1", server.config().sip().port(), "udp", person.name()));
        PhoneResponse refused = phone.invite("secret", person.offer()).awaitFinal();
        assertEquals(488, refused.status(), "plain RTP is refused: " + refused.reason());
        assertTrue(refused.header("Warning").contains("RTP/SAVP"), "the Warning says what is wanted: " + refused.header("Warning"));

        Optional<String> missing = BaresipPhone.whatIsMissing();
        assumeTrue(missing.isEmpty(), () -> "skipped the SRTP half: " + missing.orElse(""));
        BaresipPhone baresip = closeLater(BaresipPhone.dial(baresipDir, "sip:secret@127.0.0.1:" + server.config().sip().port(),
                "vp8", BaresipPhone.Placement.LOOPBACK, ";mediaenc=srtp-mand"));
        Await.until(Duration.ofSeconds(10), () -> server.roomSnapshot("secret").map(s -> s.participants() == 1).orElse(false),
                () -> "the SRTP phone is not let in; baresip log:\n" + baresip.log());
    }

    private SyntheticParticipant plainPhoneJoins(McuServer server, String room) throws Exception {
        SyntheticParticipant person = closeLater(new SyntheticParticipant("green", Codec.OPUS, Codec.H264, 1, GREEN, SYNTHETIC_TONE_HZ));
        SipTestPhone phone = closeLater(new SipTestPhone("127.0.0.1", server.config().sip().port(), "udp", person.name()));
        SipTestPhone.Outgoing call = phone.invite(room, person.offer());
        PhoneResponse answer = call.awaitFinal();
        assertEquals(200, answer.status(), answer.reason());
        call.ack();
        person.start(answer.body());
        return person;
    }

    /** The first a=crypto's inline key and salt in an SDP, or "" when there is none. */
    private static String inlineKey(String sdp) {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("a=crypto:\\d+ \\S+ inline:([A-Za-z0-9+/=]+)").matcher(sdp);
        return m.find() ? m.group(1) : "";
    }

    private static Optional<Call> baresipCall(McuServer server) {
        return server.calls().stream().filter(c -> c.joinRequest().callerUri().contains("baresip")).findFirst();
    }

    private static boolean hears(short[] heard, int sampleRate, double otherHz, double ownHz) {
        double other = Tones.amplitude(heard, otherHz, sampleRate);
        double own = Tones.amplitude(heard, ownHz, sampleRate);
        return other > 1000 && own < other * 0.05;
    }

    private static String tones(short[] heard, int sampleRate) {
        return String.format("440 Hz=%.0f, 1000 Hz=%.0f", Tones.amplitude(heard, BaresipPhone.TONE_HZ, sampleRate),
                Tones.amplitude(heard, SYNTHETIC_TONE_HZ, sampleRate));
    }

    private static boolean baresipHears(BaresipPhone baresip, double otherHz, double ownHz) {
        try {
            Optional<Path> dump = baresip.receivedAudioDump();
            if (dump.isEmpty()) {
                return false;
            }
            BaresipAudioDump.Tail tail = BaresipAudioDump.lastSeconds(dump.get(), 1.0);
            return tail.samples().length == tail.sampleRate() && hears(tail.samples(), tail.sampleRate(), otherHz, ownHz);
        } catch (IOException e) {
            return false;
        }
    }
}
