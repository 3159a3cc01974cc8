package dev.mcu.app;

import dev.mcu.app.testing.Await;
import dev.mcu.app.testing.SyntheticParticipant;
import dev.mcu.app.testing.TestServers;
import dev.mcu.media.Audio;
import dev.mcu.media.Codec;
import dev.mcu.media.I420Frame;
import dev.mcu.media.analysis.Tones;
import dev.mcu.sip.testing.PhoneResponse;
import dev.mcu.sip.testing.SipTestPhone;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Three phones dial into one room over SIP (a JAIN-SIP user agent each), each sending its own
 * colour and tone with a different codec pair, and check what a user would: the grid they see holds
 * every participant's colour at its place, and the mix they hear holds the others' tones but not
 * their own.
 */
class ConferenceEndToEndTest {
    // BT.601 limited-range colours as {Y, U, V}.
    static final int[] RED = {81, 90, 240};
    static final int[] GREEN = {145, 54, 34};
    static final int[] BLUE = {41, 240, 110};
    static final int CHROMA_TOLERANCE = 24;

    private final List<AutoCloseable> toClose = new ArrayList<>();

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
    void threePhonesSeeEachOthersColoursInTheGridAndHearEveryoneButThemselves() throws Exception {
        McuServer server = closeLater(TestServers.start());
        int sipPort = server.config().sip().port();
        List<SyntheticParticipant> people = List.of(
                new SyntheticParticipant("red", Codec.OPUS, Codec.H264, 1, RED, 440),
                new SyntheticParticipant("green", Codec.PCMU, Codec.H264, 0, GREEN, 700),
                new SyntheticParticipant("blue", Codec.G722, Codec.VP8, 0, BLUE, 1100));
        List<SipTestPhone.Outgoing> calls = new ArrayList<>();
        for (SyntheticParticipant person : people) {
            closeLater(person);
            SipTestPhone phone = closeLater(new SipTestPhone("127.0.0.1", sipPort, "udp", person.name()));
            SipTestPhone.Outgoing call = phone.invite("standup", person.offer());
            PhoneResponse answer = call.awaitFinal();
            assertEquals(200, answer.status(), person.name() + " was not let in: " + answer.reason());
            call.ack();
            person.start(answer.body());
            calls.add(call);
        }

        // 3 people: a 2x2 grid in join order; the last row is not full, so its one tile is centred.
        int cellW = 320;
        int cellH = 180;
        for (SyntheticParticipant viewer : people) {
            Await.until(Duration.ofSeconds(30), () -> seesEveryone(viewer, people, cellW, cellH),
                    () -> viewer.name() + " decoded " + viewer.framesDecoded() + " frames; colours at the tile centres: "
                            + describeTiles(viewer.lastPicture(), cellW, cellH) + "; server: " + describeServer(server));
            I420Frame picture = viewer.lastPicture();
            assertEquals(640, picture.width());
            assertEquals(360, picture.height());
            assertTrue(picture.lumaAt(cellW / 8, cellH + cellH / 2) < 40 && picture.lumaAt(2 * cellW - cellW / 8, cellH + cellH / 2) < 40,
                    "the space beside the centred last tile is black for " + viewer.name());
        }

        for (SyntheticParticipant listener : people) {
            Await.until(Duration.ofSeconds(20), () -> listener.samplesHeard() > 3 * Audio.SAMPLE_RATE,
                    () -> listener.name() + " heard only " + listener.samplesHeard() + " samples");
            Await.until(Duration.ofSeconds(10), () -> hearsOthersButNotItself(listener, people),
                    () -> listener.name() + " hears " + describeTones(listener, people));
        }

        for (SipTestPhone.Outgoing call : calls) {
            assertEquals(200, call.bye().status());
        }
        Await.until(Duration.ofSeconds(10), () -> server.openRooms().isEmpty(),
                () -> "the room is still open after everyone left: " + server.openRooms());
    }

    private static String describeServer(McuServer server) {
        StringBuilder out = new StringBuilder();
        server.roomSnapshot("standup").ifPresent(s -> out.append(s).append(' '));
        for (dev.mcu.sip.Call call : server.calls()) {
            out.append(call.joinRequest().callerUri()).append(" video ")
                    .append(call.transport().stats(dev.mcu.media.MediaKind.VIDEO)).append("; ");
        }
        return out.toString();
    }

    private static boolean seesEveryone(SyntheticParticipant viewer, List<SyntheticParticipant> people, int cellW, int cellH) {
        I420Frame picture = viewer.lastPicture();
        if (picture == null || picture.width() != 2 * cellW) {
            return false;
        }
        for (int i = 0; i < people.size(); i++) {
            int x = tileCentreX(i, people.size(), cellW);
            int y = (i / 2) * cellH + cellH / 2;
            int[] yuv = people.get(i).yuv();
            if (Math.abs(picture.uAt(x, y) - yuv[1]) > CHROMA_TOLERANCE || Math.abs(picture.vAt(x, y) - yuv[2]) > CHROMA_TOLERANCE) {
                return false;
            }
        }
        return true;
    }

    /** Centre of tile i in a two-column grid whose incomplete last row is centred. */
    private static int tileCentreX(int i, int count, int cellW) {
        boolean aloneInLastRow = count % 2 == 1 && i == count - 1;
        return aloneInLastRow ? cellW : (i % 2) * cellW + cellW / 2;
    }

    private static String describeTiles(I420Frame picture, int cellW, int cellH) {
        if (picture == null) {
            return "no picture yet";
        }
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < 3; i++) {
            int x = tileCentreX(i, 3, cellW);
            int y = (i / 2) * cellH + cellH / 2;
            out.append(String.format(" tile%d=YUV(%d,%d,%d)", i, picture.lumaAt(x, y), picture.uAt(x, y), picture.vAt(x, y)));
        }
        return out.toString();
    }

    private static boolean hearsOthersButNotItself(SyntheticParticipant listener, List<SyntheticParticipant> people) {
        short[] heard = listener.lastHeard(Audio.SAMPLE_RATE);
        double weakestOther = Double.MAX_VALUE;
        for (SyntheticParticipant other : people) {
            if (other != listener) {
                weakestOther = Math.min(weakestOther, Tones.amplitude(heard, other.toneHz(), Audio.SAMPLE_RATE));
            }
        }
        double own = Tones.amplitude(heard, listener.toneHz(), Audio.SAMPLE_RATE);
        return weakestOther > SyntheticParticipant.TONE_AMPLITUDE * 0.3 && own < weakestOther * 0.05;
    }

    private static String describeTones(SyntheticParticipant listener, List<SyntheticParticipant> people) {
        short[] heard = listener.lastHeard(Audio.SAMPLE_RATE);
        StringBuilder out = new StringBuilder();
        for (SyntheticParticipant p : people) {
            out.append(String.format(" %s@%.0fHz=%.0f", p.name(), p.toneHz(), Tones.amplitude(heard, p.toneHz(), Audio.SAMPLE_RATE)));
        }
        return out.toString();
    }
}
