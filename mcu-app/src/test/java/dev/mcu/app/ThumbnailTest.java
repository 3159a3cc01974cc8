package dev.mcu.app;

import dev.mcu.app.testing.Await;
import dev.mcu.app.testing.SyntheticParticipant;
import dev.mcu.app.testing.TestServers;
import dev.mcu.media.Codec;
import dev.mcu.sip.testing.PhoneResponse;
import dev.mcu.sip.testing.SipTestPhone;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The dashboard's room thumbnail: two phones, one red and one green, in a grid; the JPEG at
 * /api/v1/rooms/{room}/thumbnail.jpg decodes (ImageIO) to 320x180 and shows both colours; askers
 * within a second get the same picture; unknown rooms 404, no token 401.
 */
class ThumbnailTest {
    private static final String ADMIN = "thumbnail-admin-token";
    private final List<AutoCloseable> toClose = new ArrayList<>();
    private final HttpClient http = HttpClient.newHttpClient();
    private McuServer server;

    @AfterEach
    void closeEverything() throws Exception {
        for (int i = toClose.size() - 1; i >= 0; i--) {
            toClose.get(i).close();
        }
    }

    private HttpResponse<byte[]> get(String path, String token) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.httpPort() + path));
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    @Test
    void theThumbnailShowsBothPhonesColours() throws Exception {
        server = TestServers.start("http.port=" + TestServers.freeTcpPort(), "admin.token=" + ADMIN, "video.layout=grid",
                "video.showNames=false");
        toClose.add(server);
        for (SyntheticParticipant person : List.of(
                new SyntheticParticipant("red", Codec.OPUS, Codec.H264, 1, ConferenceEndToEndTest.RED, 440),
                new SyntheticParticipant("green", Codec.OPUS, Codec.VP8, 0, ConferenceEndToEndTest.GREEN, 700))) {
            toClose.add(person);
            SipTestPhone phone = new SipTestPhone("127.0.0.1", server.config().sip().port(), "udp", person.name());
            toClose.add(phone);
            SipTestPhone.Outgoing call = phone.invite("board", person.offer());
            PhoneResponse answer = call.awaitFinal();
            assertEquals(200, answer.status(), answer.reason());
            call.ack();
            person.start(answer.body());
        }
        BufferedImage[] picture = new BufferedImage[1];
        Await.until(Duration.ofSeconds(20), () -> {
            HttpResponse<byte[]> r = getOrFail("/api/v1/rooms/board/thumbnail.jpg", ADMIN);
            if (r.statusCode() != 200) {
                return false;
            }
            assertEquals("image/jpeg", r.headers().firstValue("Content-Type").orElse(""));
            picture[0] = decode(r.body());
            return share(picture[0], 255, 0, 0) > 0.10 && share(picture[0], 0, 255, 0) > 0.10; // the phones' RED and GREEN in RGB
        }, () -> "the thumbnail does not show red and green: " + describe(picture[0]));
        assertEquals(320, picture[0].getWidth());
        assertEquals(180, picture[0].getHeight());

        long before = System.nanoTime();
        byte[] first = get("/api/v1/rooms/board/thumbnail.jpg", ADMIN).body();
        byte[] second = get("/api/v1/rooms/board/thumbnail.jpg", ADMIN).body();
        if (System.nanoTime() - before < 900_000_000L) {
            assertArrayEquals(first, second, "asked twice within a second: one picture, encoded once");
        }

        assertEquals(404, get("/api/v1/rooms/nowhere/thumbnail.jpg", ADMIN).statusCode());
        assertEquals(401, get("/api/v1/rooms/board/thumbnail.jpg", null).statusCode());
        assertEquals(403, get("/api/v1/rooms/board/thumbnail.jpg", "not-the-token").statusCode());
    }

    private HttpResponse<byte[]> getOrFail(String path, String token) {
        try {
            return get(path, token);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static BufferedImage decode(byte[] jpeg) {
        try {
            BufferedImage image = ImageIO.read(new ByteArrayInputStream(jpeg));
            assertTrue(image != null, "not a JPEG ImageIO can read");
            return image;
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The share of pixels within 60 of (r, g, b) on each channel. */
    private static double share(BufferedImage image, int r, int g, int b) {
        int near = 0;
        for (int y = 0; y < image.getHeight(); y++) {
            for (int x = 0; x < image.getWidth(); x++) {
                int rgb = image.getRGB(x, y);
                if (Math.abs(((rgb >> 16) & 0xff) - r) < 60 && Math.abs(((rgb >> 8) & 0xff) - g) < 60
                        && Math.abs((rgb & 0xff) - b) < 60) {
                    near++;
                }
            }
        }
        return near / (double) (image.getWidth() * image.getHeight());
    }

    private static String describe(BufferedImage image) {
        if (image == null) {
            return "no picture";
        }
        int[] samples = new int[5];
        for (int i = 0; i < samples.length; i++) {
            samples[i] = image.getRGB(image.getWidth() * (i + 1) / 6, image.getHeight() / 2) & 0xffffff;
        }
        return image.getWidth() + "x" + image.getHeight() + " samples across the middle: "
                + Arrays.stream(samples).mapToObj(Integer::toHexString).toList();
    }
}
