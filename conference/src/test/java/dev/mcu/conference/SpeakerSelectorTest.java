package dev.mcu.conference;

import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
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
        Set<String> mixed = selector.select(levels("b", -30));
        assertTrue(mixed.contains("b") && !mixed.contains("a"), "mixed: " + mixed);
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
