package dev.mcu.conference;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Chooses who is mixed this round: at most K participants, the loudest by a smoothed level, so a
 * room of 1,000 costs about as much as a room of K. A current speaker keeps its place until a
 * newcomer is clearly louder (hysteresis), so the set does not flap on every syllable.
 *
 * <p>The room's audio lane only.
 */
final class SpeakerSelector {
    /** Below this smoothed level a participant is not speaking (background noise, silence). */
    static final double SPEECH_FLOOR_DBOV = -50;
    /** A newcomer must beat the quietest current speaker by this much to take its place. */
    static final double SWITCH_MARGIN_DB = 6;
    /**
     * Per 20 ms round: how fast the smoothed level falls (~100 ms). It rises at once, so the first
     * syllable of a new talker is mixed, not clipped.
     */
    static final double SMOOTHING = 0.2;

    /**
     * Rounds a speaker may go without a frame and keep its place (300 ms): a late or lost packet, or a
     * stalled sender, is not silence. Without it one missing frame gave the place to whoever else was
     * talking, and the first speaker then had to be 6 dB louder to get it back. Someone who really
     * stops talking sends quiet frames first (or hangs up: {@link #forget}), and the level rule lets
     * them go. A clearly louder newcomer can still take a held place.
     */
    static final int HOLD_ROUNDS = 15;

    /** What the selector knows of one participant: its smoothed level and how long it has sent nothing. */
    private static final class Heard {
        double smoothed;
        int roundsWithoutFrame;

        Heard(double level) {
            smoothed = level;
        }
    }

    private final int maxSpeakers;
    private final Map<String, Heard> heard = new HashMap<>();
    private final Set<String> speakers = new HashSet<>();
    private final Set<String> mixedThisRound = new HashSet<>();

    SpeakerSelector(int maxSpeakers) {
        if (maxSpeakers < 1) {
            throw new IllegalArgumentException("at least one speaker must be mixed, got " + maxSpeakers);
        }
        this.maxSpeakers = maxSpeakers;
    }

    /**
     * @param levels this round's level in dBov of everyone who sent audio (absent = no frame this round)
     * @return the ids to mix this round, all of them in {@code levels} (a view valid until the next call)
     */
    Set<String> select(Map<String, Double> levels) {
        for (Map.Entry<String, Heard> e : heard.entrySet()) {
            Heard h = e.getValue();
            Double now = levels.get(e.getKey());
            if (now == null) {
                h.roundsWithoutFrame = Math.min(h.roundsWithoutFrame + 1, HOLD_ROUNDS + 1);
                if (h.roundsWithoutFrame <= HOLD_ROUNDS) {
                    continue; // a missing frame says nothing about the level: keep it as it was
                }
            } else {
                h.roundsWithoutFrame = 0;
            }
            double current = now == null ? -127 : now;
            h.smoothed = current > h.smoothed ? current : h.smoothed + SMOOTHING * (current - h.smoothed);
        }
        for (Map.Entry<String, Double> e : levels.entrySet()) {
            heard.computeIfAbsent(e.getKey(), id -> new Heard(e.getValue()));
        }
        speakers.removeIf(id -> {
            Heard h = heard.get(id);
            return h.roundsWithoutFrame > HOLD_ROUNDS || h.smoothed < SPEECH_FLOOR_DBOV;
        });
        List<String> candidates = new ArrayList<>();
        for (Map.Entry<String, Heard> e : heard.entrySet()) {
            if (!speakers.contains(e.getKey()) && levels.containsKey(e.getKey()) && e.getValue().smoothed >= SPEECH_FLOOR_DBOV) {
                candidates.add(e.getKey());
            }
        }
        candidates.sort((a, b) -> Double.compare(level(b), level(a)));
        for (String candidate : candidates) {
            if (speakers.size() < maxSpeakers) {
                speakers.add(candidate);
                continue;
            }
            String quietest = quietestSpeaker();
            if (level(candidate) > level(quietest) + SWITCH_MARGIN_DB) {
                speakers.remove(quietest);
                speakers.add(candidate);
            } else {
                break; // candidates are sorted: nobody after this one is louder
            }
        }
        mixedThisRound.clear();
        for (String id : speakers) {
            if (levels.containsKey(id)) {
                mixedThisRound.add(id); // a held speaker without a frame has nothing to mix this round
            }
        }
        return mixedThisRound;
    }

    private double level(String id) {
        return heard.get(id).smoothed;
    }

    private String quietestSpeaker() {
        String quietest = null;
        for (String id : speakers) {
            if (quietest == null || level(id) < level(quietest)) {
                quietest = id;
            }
        }
        return quietest;
    }

    void forget(String id) {
        heard.remove(id);
        speakers.remove(id);
    }
}
