package dev.mcu.conference;

import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SpeakerSelectorTest {
    private static Map<String, Double> levels(Object... idAndLevel) {
        Map<String, Double> m = new HashMap<>();
        for (int i = 0; i < idAndLevel.length; i += 2) {
            m.put((String) idAndLevel[i], ((Number) idAndLevel[i + 1]).doubleValue());
        }
        return m;
    }

    @Test
    void onlyTheKLoudestOfARoomAreMixed() {
        SpeakerSelector selector = new SpeakerSelector(2);
        Set<String> mixed = Set.of();
        for (int round = 0; round < 10; round++) {
            mixed = Set.copyOf(selector.select(levels("a", -10, "b", -20, "c", -30, "d", -40)));
        }
        assertEquals(Set.of("a", "b"), mixed);
    }

    @Test
    void silenceAndBackgroundNoiseAreNeverMixed() {
        SpeakerSelector selector = new SpeakerSelector(4);
        Set<String> mixed = Set.of();
        for (int round = 0; round < 10; round++) {
            mixed = Set.copyOf(selector.select(levels("noise", -70, "talker", -15)));
        }
        assertEquals(Set.of("talker"), mixed);
    }

    @Test
    void aSpeakerKeepsItsPlaceAgainstSomeoneOnlySlightlyLouder() {
        SpeakerSelector selector = new SpeakerSelector(1);
        for (int round = 0; round < 10; round++) {
            selector.select(levels("first", -20));
        }
        Set<String> mixed = Set.of();
        for (int round = 0; round < 50; round++) {
            mixed = Set.copyOf(selector.select(levels("first", -20, "second", -17)));
        }
        assertEquals(Set.of("first"), mixed, "3 dB louder is within the switch margin");
        for (int round = 0; round < 50; round++) {
            mixed = Set.copyOf(selector.select(levels("first", -20, "second", -5)));
        }
        assertEquals(Set.of("second"), mixed, "15 dB louder takes the place");
    }

    @Test
    void someoneWhoStopsSendingLeavesTheMixAndIsReplaced() {
        SpeakerSelector selector = new SpeakerSelector(1);
        for (int round = 0; round < 10; round++) {
            selector.select(levels("a", -10, "b", -30));
        }
        Set<String> mixed = Set.of();
        int roundsUntilB = 0;
        while (!mixed.contains("b") && roundsUntilB < 100) {
            mixed = Set.copyOf(selector.select(levels("b", -30)));
            assertFalse(mixed.contains("a"), "a sends nothing, so nothing of it is mixed");
            roundsUntilB++;
        }
        assertEquals(Set.of("b"), mixed);
        assertEquals(SpeakerSelector.HOLD_ROUNDS + 1, roundsUntilB, "a keeps its place for the hold time only");
    }

    @Test
    void aMissingFrameDoesNotCostASpeakerItsPlace() {
        SpeakerSelector selector = new SpeakerSelector(1);
        for (int round = 0; round < 10; round++) {
            selector.select(levels("talker", -20));
        }
        for (int round = 0; round < 10; round++) {
            selector.select(levels("talker", -20, "interrupter", -20));
        }
        // a late packet, then a stall of 200 ms: the interrupter, no louder, does not take the floor
        assertEquals(Set.of(), selector.select(levels("interrupter", -20)), "nothing of the talker to mix this round");
        for (int round = 0; round < 10; round++) {
            selector.select(levels("interrupter", -20));
        }
        Set<String> mixed = Set.of();
        for (int round = 0; round < 20; round++) {
            mixed = Set.copyOf(selector.select(levels("talker", -20, "interrupter", -20)));
        }
        assertEquals(Set.of("talker"), mixed, "the talker keeps the floor");
        for (int round = 0; round < 5; round++) {
            selector.select(levels("interrupter", -5));
        }
        assertEquals(Set.of("interrupter"), Set.copyOf(selector.select(levels("talker", -20, "interrupter", -5))),
                "a held place still goes to someone clearly louder");
    }

    @Test
    void aNewTalkerIsMixedFromItsFirstLoudFrameWhenThereIsRoom() {
        SpeakerSelector selector = new SpeakerSelector(4);
        for (int round = 0; round < 50; round++) {
            selector.select(levels("talker", -90, "other", -20));
        }
        assertEquals(Set.of("other", "talker"), Set.copyOf(selector.select(levels("talker", -15, "other", -20))),
                "the first word must not be clipped while the level catches up");
    }
}
