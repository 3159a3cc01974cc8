package dev.mcu.app;

import dev.mcu.app.testing.Await;
import dev.mcu.app.testing.SyntheticParticipant;
import dev.mcu.app.testing.TestServers;
import dev.mcu.layouts.Layout;
import dev.mcu.layouts.LayoutSpec;
import dev.mcu.layouts.Layouts;
import dev.mcu.layouts.Tile;
import dev.mcu.media.Codec;
import dev.mcu.media.analysis.Tones;
import dev.mcu.sip.testing.PhoneResponse;
import dev.mcu.sip.testing.SipTestPhone;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Two phones in a room, a recording started and stopped through the API, and the file read back
 * by Debian's ffprobe and ffmpeg: both phones' colours in the picture and both tones in the audio.
 * Also the API's answers to mistakes.
 */
class EgressEndToEndTest {
    private static final String ADMIN_TOKEN = "egress-test-admin-token";
    static final int[] RED = {81, 90, 240};
    static final int[] BLUE = {41, 240, 110};
    private final List<AutoCloseable> toClose = new ArrayList<>();
    private final HttpClient http = HttpClient.newHttpClient();

    @TempDir
    Path dir;

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
    void aRecordingStartedThroughTheApiShowsBothPhonesColoursAndCarriesBothTones() throws Exception {
        McuServer server = closeLater(TestServers.start("http.port=" + TestServers.freeTcpPort(), "admin.token=" + ADMIN_TOKEN,
                "recording.dir=" + dir.resolve("rec"), "recording.hlsDir=" + dir.resolve("hls")));
        List<SyntheticParticipant> people = List.of(
                new SyntheticParticipant("red", Codec.G722, Codec.VP8, 0, RED, 440),
                new SyntheticParticipant("blue", Codec.PCMU, Codec.H264, 1, BLUE, 1000));
        for (SyntheticParticipant person : people) {
            closeLater(person);
            SipTestPhone phone = closeLater(new SipTestPhone("127.0.0.1", server.config().sip().port(), "udp", person.name()));
            SipTestPhone.Outgoing call = phone.invite("standup", person.offer());
            PhoneResponse answer = call.awaitFinal();
            assertEquals(200, answer.status(), person.name() + " was not let in: " + answer.reason());
            call.ack();
            person.start(answer.body());
        }
        Await.until(Duration.ofSeconds(20), () -> people.stream().allMatch(p -> p.framesDecoded() > 10),
                () -> "the phones see no video yet");

        HttpResponse<String> started = post(server, "/api/v1/rooms/standup/egress", "{\"kind\":\"record\",\"url\":\"standup.mkv\"}");
        assertEquals(201, started.statusCode(), started.body());
        String id = field(started.body(), "id");
        Path file = dir.resolve("rec").resolve("standup.mkv");
        Await.until(Duration.ofSeconds(10), () -> listing(server).contains("\"state\":\"running\""),
                () -> "the recording did not start: " + listing(server));
        // The room says so too: a page that reloads its state must not read "not recording".
        assertTrue(send(server, "GET", "/api/v1/rooms/standup", null).body().contains("\"recording\":true"),
                "the room does not say it is recorded");
        // About 4 s of program: 15 pictures and 47 AAC frames a second (waits longer on a busy machine).
        Await.until(Duration.ofSeconds(40), () -> packetsWritten(listing(server)) >= 250,
                () -> "the recording grows too slowly: " + listing(server));
        HttpResponse<String> stopped = send(server, "DELETE", "/api/v1/rooms/standup/egress/" + id, null);
        assertEquals(204, stopped.statusCode(), stopped.body());
        Await.until(Duration.ofSeconds(10), () -> listing(server).equals("[]"), () -> "still listed: " + listing(server));
        assertTrue(send(server, "GET", "/api/v1/rooms/standup", null).body().contains("\"recording\":false"),
                "the room still says it is recorded");

        String probe = run("ffprobe", "-v", "error", "-show_entries", "stream=codec_name:format=duration",
                "-of", "default=noprint_wrappers=1", file.toString());
        assertTrue(probe.contains("codec_name=h264") && probe.contains("codec_name=aac"), probe);
        double duration = Double.parseDouble(field(probe.replace('\n', ','), "duration", "=([0-9.]+)"));
        assertTrue(duration > 3.0 && duration < 8.0, "duration " + duration);

        int width = server.config().video().width();
        int height = server.config().video().height();
        byte[] yuv = frame(file, 2.0, width, height);
        // The room's grid in join order; the call ids do not matter for the geometry.
        Layout grid = Layouts.compute(LayoutSpec.grid(), width, height, List.of("first", "second"));
        assertColour(yuv, width, height, grid.tileOf("first"), RED, "the first phone's tile is red");
        assertColour(yuv, width, height, grid.tileOf("second"), BLUE, "the second phone's tile is blue");
        // Red and blue are darker than any text: bright pixels in a tile's bottom-left corner are its name.
        assertTrue(brightInNameCorner(yuv, width, grid.tileOf("first")) > 20, "the first phone's name is on its tile");
        assertTrue(brightInNameCorner(yuv, width, grid.tileOf("second")) > 20, "the second phone's name is on its tile");

        short[] audio = audio(file);
        int middle = audio.length / 2 - 24_000;
        double first = Tones.amplitude(audio, middle, 48_000, 440, 48_000);
        double second = Tones.amplitude(audio, middle, 48_000, 1000, 48_000);
        String heard = "440 Hz " + Math.round(first) + ", 1000 Hz " + Math.round(second) + " over the middle second of "
                + audio.length / 48_000 + " s; " + server.roomSnapshot("standup").map(Object::toString).orElse("");
        assertTrue(first > 500, "the first phone's 440 Hz is in the recording: " + heard);
        assertTrue(second > 500, "the second phone's 1000 Hz is in the recording: " + heard);
    }

    @Test
    void mistakesGetAClearAnswer() throws Exception {
        McuServer server = closeLater(TestServers.start("http.port=" + TestServers.freeTcpPort(), "admin.token=" + ADMIN_TOKEN,
                "recording.dir=" + dir.resolve("rec"), "recording.hlsDir=" + dir.resolve("hls")));
        assertAnswer(post(server, "/api/v1/rooms/nobody/egress", "{\"kind\":\"record\"}"), 404, "no room named 'nobody'");
        assertAnswer(send(server, "DELETE", "/api/v1/rooms/nobody/egress/abc", null), 404, "has no egress 'abc'");
        assertAnswer(post(server, "/api/v1/rooms/nobody/egress", "{\"kind\":\"webm\"}"), 400, "\\\"kind\\\"");
        assertAnswer(post(server, "/api/v1/rooms/nobody/egress", "{\"kind\":\"rtmp\",\"uri\":\"x\"}"), 400, "unknown key 'uri'");
        assertAnswer(post(server, "/api/v1/rooms/nobody/egress", "not json"), 400, "not valid JSON");
        assertAnswer(send(server, "GET", "/hls/nobody/index.m3u8", null), 404, "no HLS output running");
        assertAnswer(send(server, "GET", "/hls/nobody/..%2f..%2fetc%2fpasswd", null), 404, "only index.m3u8");
    }

    private static void assertAnswer(HttpResponse<String> response, int status, String words) {
        assertEquals(status, response.statusCode(), response.body());
        assertTrue(response.body().contains(words), response.body());
    }

    private HttpResponse<String> post(McuServer server, String path, String json) throws Exception {
        return send(server, "POST", path, json);
    }

    private HttpResponse<String> send(McuServer server, String method, String path, String json) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.httpPort() + path))
                .header("Authorization", "Bearer " + ADMIN_TOKEN)   // egress is for the admin and hosts
                .timeout(Duration.ofSeconds(10));
        if (json != null) {
            request.header("Content-Type", "application/json").method(method, HttpRequest.BodyPublishers.ofString(json));
        } else {
            request.method(method, HttpRequest.BodyPublishers.noBody());
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private String listing(McuServer server) {
        try {
            return send(server, "GET", "/api/v1/rooms/standup/egress", null).body();
        } catch (Exception e) {
            return e.toString();
        }
    }

    private static long packetsWritten(String listing) {
        Matcher m = Pattern.compile("\"packetsWritten\":(\\d+)").matcher(listing);
        return m.find() ? Long.parseLong(m.group(1)) : 0;
    }

    private static String field(String json, String name) {
        return field(json, name, "\"\\s*:\\s*\"([^\"]+)\"");
    }

    private static String field(String text, String name, String valuePattern) {
        Matcher m = Pattern.compile(Pattern.quote(name) + valuePattern.replaceFirst("^\"", "")).matcher(text);
        if (!m.find()) {
            m = Pattern.compile("\"" + Pattern.quote(name) + valuePattern).matcher(text);
            assertTrue(m.find(), "no " + name + " in " + text);
        }
        return m.group(1);
    }

    private byte[] frame(Path file, double seconds, int width, int height) throws Exception {
        Path raw = dir.resolve("frame.yuv");
        run("ffmpeg", "-v", "error", "-y", "-ss", Double.toString(seconds), "-i", file.toString(), "-frames:v", "1",
                "-f", "rawvideo", "-pix_fmt", "yuv420p", raw.toString());
        byte[] yuv = Files.readAllBytes(raw);
        assertEquals(width * height * 3 / 2, yuv.length, "one " + width + "x" + height + " picture");
        return yuv;
    }

    private short[] audio(Path file) throws Exception {
        Path raw = dir.resolve("audio.pcm");
        run("ffmpeg", "-v", "error", "-y", "-i", file.toString(), "-vn", "-ac", "1", "-ar", "48000", "-f", "s16le", raw.toString());
        ByteBuffer bytes = ByteBuffer.wrap(Files.readAllBytes(raw)).order(ByteOrder.LITTLE_ENDIAN);
        short[] samples = new short[bytes.remaining() / 2];
        bytes.asShortBuffer().get(samples);
        assertTrue(samples.length > 2 * 48_000, "at least 2 s of audio: " + samples.length);
        return samples;
    }

    private static int brightInNameCorner(byte[] yuv, int width, Tile tile) {
        int bright = 0;
        for (int y = tile.y() + tile.height() / 2; y < tile.bottom(); y++) {
            for (int x = tile.x(); x < tile.x() + tile.width() / 2; x++) {
                bright += (yuv[y * width + x] & 0xff) > 190 ? 1 : 0;
            }
        }
        return bright;
    }

    private static void assertColour(byte[] yuv, int width, int height, Tile tile, int[] colour, String what) {
        int x = (tile.x() + tile.width() / 2) / 2;
        int y = (tile.y() + tile.height() / 2) / 2;
        int u = yuv[width * height + y * (width / 2) + x] & 0xff;
        int v = yuv[width * height + (width / 2) * (height / 2) + y * (width / 2) + x] & 0xff;
        assertTrue(Math.abs(u - colour[1]) <= 24 && Math.abs(v - colour[2]) <= 24,
                what + ": expected U,V " + colour[1] + "," + colour[2] + ", saw " + u + "," + v);
    }

    private static String run(String... command) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(process.getInputStream().readAllBytes());
        assertTrue(process.waitFor(60, TimeUnit.SECONDS));
        assertEquals(0, process.exitValue(), String.join(" ", command) + ":\n" + out);
        return out;
    }
}
