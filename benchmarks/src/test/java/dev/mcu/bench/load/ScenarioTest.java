package dev.mcu.bench.load;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The webinar shapes issue 9 names, as the load benchmark reads their names. */
class ScenarioTest {
    @Test
    void webinarNamesGiveTheIssuesShapes() {
        Scenario plain = Scenario.parse("webinar1000");
        assertEquals(1, plain.speakers());
        assertEquals(1001, plain.calls());

        Scenario audio = Scenario.parse("webinar5000a");
        assertEquals(3, audio.speakers(), "3 speakers + 5,000 audio attendees");
        assertEquals(5003, audio.calls());
        assertFalse(audio.receivesVideo());
        assertTrue(audio.serverSettings().stream().anyMatch(s -> s.startsWith("rooms.list=[{name: webinar5000a, mode: webinar")));
        // every call holds RTP + RTCP for audio and video (4 ports), audio-only or not, below the ephemeral ports
        assertTrue(audio.serverSettings().contains("media.portMin=10000"), audio.serverSettings().toString());
        assertTrue(audio.serverSettings().contains("media.portMax=31012"), audio.serverSettings().toString());
        assertTrue(audio.serverSettings().contains("rooms.maxCalls=5010"), audio.serverSettings().toString());

        Scenario video = Scenario.parse("webinar1000v");
        assertEquals(4, video.speakers(), "4 video speakers + 1,000 video attendees");
        assertEquals(1004, video.calls());
        assertTrue(video.receivesVideo());
        assertEquals(4, video.videoParticipants(), "only the speakers send video");
        assertTrue(video.serverSettings().contains("media.portMax=19999"), video.serverSettings().toString());
    }

    @Test
    void webinarNwHasWhepAttendeesAndSipSpeakers() {
        Scenario whep = Scenario.parse("webinar300w");
        assertTrue(whep.whep());
        assertEquals(4, whep.speakers(), "4 SIP video speakers make the program");
        assertEquals(304, whep.calls());
        assertTrue(whep.receivesVideo(), "a WHEP viewer gets the composite too");
        assertEquals(4, whep.videoParticipants());
        assertFalse(Scenario.parse("webinar300v").whep());
    }

    @Test
    void anUnknownNameSaysWhichNamesThereAre() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Scenario.parse("webinarXv"));
        assertTrue(e.getMessage().contains("webinarNv"), e.getMessage());
    }
}
