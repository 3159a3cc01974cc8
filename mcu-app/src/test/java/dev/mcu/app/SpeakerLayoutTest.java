package dev.mcu.app;

import dev.mcu.conference.RoomEvents;
import dev.mcu.app.testing.Await;
import dev.mcu.app.testing.SyntheticParticipant;
import dev.mcu.app.testing.TestServers;
import dev.mcu.media.Codec;
import dev.mcu.media.I420Frame;
import dev.mcu.sip.testing.PhoneResponse;
import dev.mcu.sip.testing.SipTestPhone;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Picture-in-picture that follows the speaker: the one who talks fills the canvas, one other sits
 * in the inset, and a third has no tile at all, so the MCU does not spend a decode on its video.
 */
class SpeakerLayoutTest {
    private final List<AutoCloseable> toClose = new ArrayList<>();

    @AfterEach
    void closeEverything() throws Exception {
        for (int i = toClose.size() - 1; i >= 0; i--) {
            toClose.get(i).close();
        }
    }

    @Test
    void theTalkerFillsTheCanvasAndWhoeverHasNoTileIsNotDecoded() throws Exception {
        List<String> events = new java.util.concurrent.CopyOnWriteArrayList<>();
        McuServer server = TestServers.start(new RoomEvents() {
            @Override
            public void onTalkStarted(String room, String callId) {
                events.add("talk " + callId);
            }

            @Override
            public void onActiveSpeakerChanged(String room, String callId) {
                events.add("floor " + callId);
            }
        }, "video.layout=pip");
        toClose.add(server);
        // Join order: silent, silent, talker. The talker takes the floor and the big picture.
        SyntheticParticipant quiet1 = new SyntheticParticipant("quiet1", Codec.OPUS, Codec.H264, 1, ConferenceEndToEndTest.GREEN, 0);
        SyntheticParticipant quiet2 = new SyntheticParticipant("quiet2", Codec.OPUS, Codec.H264, 1, ConferenceEndToEndTest.BLUE, 0);
        SyntheticParticipant talker = new SyntheticParticipant("talker", Codec.OPUS, Codec.H264, 1, ConferenceEndToEndTest.RED, 600);
        List<String> callIds = new ArrayList<>();
        for (SyntheticParticipant person : List.of(quiet1, quiet2, talker)) {
            toClose.add(person);
            SipTestPhone phone = new SipTestPhone("127.0.0.1", server.config().sip().port(), "udp", person.name());
            toClose.add(phone);
            SipTestPhone.Outgoing call = phone.invite("pip", person.offer());
            PhoneResponse answer = call.awaitFinal();
            assertEquals(200, answer.status());
            call.ack();
            person.start(answer.body());
            callIds.add(call.dialog().getCallId().getCallId());
        }
        String talkerId = callIds.get(2);
        String hiddenId = callIds.get(1);

        Await.until(Duration.ofSeconds(15), () -> talkerId.equals(snapshot(server).activeSpeaker()),
                () -> "the talker never got the floor: " + snapshot(server));
        Await.until(Duration.ofSeconds(15), () -> centreIs(quiet1.lastPicture(), ConferenceEndToEndTest.RED),
                () -> "quiet1 does not see the talker full size: " + describe(quiet1.lastPicture()));

        McuServer.RoomSnapshot room = snapshot(server);
        assertEquals(List.of(talkerId, callIds.get(0)), room.visibleInLayout(), "talker large, first other inset");
        assertFalse(room.visibleInLayout().contains(hiddenId));
        long decodedWhileHidden = room.framesDecodedByParticipant().get(hiddenId);
        Await.until(Duration.ofSeconds(5), () -> snapshot(server).videoPacketsSkippedInvisible() > 50,
                () -> "the hidden participant's packets are still being decoded: " + snapshot(server));
        assertTrue(snapshot(server).framesDecodedByParticipant().get(hiddenId) <= decodedWhileHidden + 1,
                "no more decoding for a participant nobody sees");
        assertTrue(events.contains("talk " + talkerId) && events.contains("floor " + talkerId), events.toString());
        assertFalse(events.contains("talk " + hiddenId), "a silent participant never starts talking: " + events);

        // At run time the room switches to a grid: everyone has a tile and is decoded again.
        assertTrue(server.setLayout("pip", dev.mcu.layouts.LayoutSpec.grid()));
        Await.until(Duration.ofSeconds(10), () -> snapshot(server).visibleInLayout().size() == 3
                        && snapshot(server).framesDecodedByParticipant().get(hiddenId) > decodedWhileHidden + 5,
                () -> "after switching to a grid: " + snapshot(server));
        Await.until(Duration.ofSeconds(10), () -> topRightIs(talker.lastPicture(), ConferenceEndToEndTest.BLUE),
                () -> "the once-hidden participant's colour is not in its grid tile: " + talker.lastPicture());
    }

    private static McuServer.RoomSnapshot snapshot(McuServer server) {
        return server.roomSnapshot("pip").orElseThrow();
    }

    private static boolean centreIs(I420Frame picture, int[] yuv) {
        return picture != null && colourAt(picture, picture.width() / 4, picture.height() / 2, yuv);
    }

    /** Whether the top-right cell of a 2x2 grid (the second to join) shows the colour. */
    private static boolean topRightIs(I420Frame picture, int[] yuv) {
        return picture != null && colourAt(picture, picture.width() / 4 * 3, picture.height() / 4, yuv);
    }

    private static boolean colourAt(I420Frame picture, int x, int y, int[] yuv) {
        return Math.abs(picture.uAt(x, y) - yuv[1]) < 24 && Math.abs(picture.vAt(x, y) - yuv[2]) < 24;
    }

    private static String describe(I420Frame picture) {
        return picture == null ? "nothing" : "YUV(" + picture.lumaAt(picture.width() / 4, picture.height() / 2) + ","
                + picture.uAt(picture.width() / 4, picture.height() / 2) + ","
                + picture.vAt(picture.width() / 4, picture.height() / 2) + ")";
    }
}
