package dev.mcu.mixer;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ActiveSpeakerDetectorTest {
    private static final double TALK = -20;
    private static final double QUIET = -70;

    private final List<String> events = new ArrayList<>();
    private final ActiveSpeakerDetector detector = new ActiveSpeakerDetector(new ActiveSpeakerDetector.Listener() {
        @Override public void onTalkStarted(String id) { events.add("start " + id); }
        @Override public void onTalkStopped(String id) { events.add("stop " + id); }
        @Override public void onActiveSpeakerChanged(String previous, String now) { events.add(previous + "->" + now); }
    });

    /** Runs {@code millis} of rounds with these levels; returns the round (from 1) at which the floor changed, or -1. */
    private int run(int millis, Object... idAndLevel) {
        Map<String, Double> levels = new HashMap<>();
        for (int i = 0; i < idAndLevel.length; i += 2) {
            levels.put((String) idAndLevel[i], (Double) idAndLevel[i + 1]);
        }
        Optional<String> before = detector.activeSpeaker();
        for (int round = 1; round <= millis / 20; round++) {
            detector.onRound(levels);
            if (!detector.activeSpeaker().equals(before)) {
                return round;
            }
        }
        return -1;
    }

    private void giveFloorTo(String id) {
        run(2000, id, TALK, "other", QUIET);
        assertEquals(Optional.of(id), detector.activeSpeaker());
    }

    @ParameterizedTest(name = "a {0} ms burst does not take the floor")
    @ValueSource(ints = {60, 200, 280})
    void burstsShorterThan300msNeverSwitch(int burstMillis) {
        giveFloorTo("alice");
        run(1000, "alice", QUIET, "bob", QUIET);
        run(burstMillis, "alice", QUIET, "bob", TALK);
        run(1000, "alice", QUIET, "bob", QUIET);
        assertEquals(Optional.of("alice"), detector.activeSpeaker());
    }

    @Test
    void sustainedSpeechTakesTheFloorWithinOneSecond() {
        giveFloorTo("alice");
        run(1000, "alice", QUIET, "bob", QUIET);
        int round = run(2000, "alice", QUIET, "bob", TALK);
        assertEquals(Optional.of("bob"), detector.activeSpeaker());
        assertTrue(round * 20 >= 300 && round * 20 <= 1000, "switched after " + round * 20 + " ms");
    }

    @Test
    void someoneTalkingOverTheSpeakerAtTheSameLevelDoesNotTakeTheFloor() {
        giveFloorTo("alice");
        run(3000, "alice", TALK, "bob", TALK);
        assertEquals(Optional.of("alice"), detector.activeSpeaker());
    }

    @Test
    void someoneMuchLouderTakesTheFloorEvenWhileTheSpeakerTalks() {
        giveFloorTo("alice");
        run(3000, "alice", -30.0, "bob", -10.0);
        assertEquals(Optional.of("bob"), detector.activeSpeaker());
    }

    @Test
    void shortPausesBelongToTheSameTalkSpell() {
        for (int i = 0; i < 5; i++) {
            run(200, "alice", TALK);
            run(100, "alice", QUIET);
        }
        assertEquals(1, events.stream().filter(e -> e.equals("start alice")).count(), events.toString());
        run(1000, "alice", QUIET);
        assertTrue(events.contains("stop alice"), events.toString());
    }

    @Test
    void theSpeakerLeavingFreesTheFloor() {
        giveFloorTo("alice");
        detector.forget("alice");
        assertEquals(Optional.empty(), detector.activeSpeaker());
        assertTrue(events.contains("alice->null"), events.toString());
    }
}
