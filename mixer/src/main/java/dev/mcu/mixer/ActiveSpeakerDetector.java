package dev.mcu.mixer;

import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.Optional;

/**
 * Decides who the room's active speaker is, from one audio level per participant every 20 ms round.
 *
 * <p>A participant is talking while its level is above {@link #SPEECH_DBOV}; pauses shorter than
 * {@link #HANGOVER_ROUNDS} do not end a talk spell. The floor changes hands only after the newcomer
 * has talked for {@link #MIN_SPELL_ROUNDS} in one spell (so a cough or a "yes" of under 300 ms
 * never switches), and only when the current speaker has stopped talking or the newcomer is clearly
 * louder. With these numbers sustained speech takes the floor after 400 ms, well within a second.
 *
 * <p>Media clock thread only. Time is counted in rounds, so tests need no clock.
 */
public final class ActiveSpeakerDetector {
    public static final double SPEECH_DBOV = -45;
    /** 400 ms of unbroken speech before the floor can change hands. */
    public static final int MIN_SPELL_ROUNDS = 20;
    /** Pauses up to 200 ms belong to the same talk spell. */
    public static final int HANGOVER_ROUNDS = 10;
    /** How much louder (smoothed) a newcomer must be to take the floor from someone still talking. */
    public static final double LOUDER_BY_DB = 6;

    /** What happens, as it happens; called on the media clock thread, after the state changed. */
    public interface Listener {
        default void onTalkStarted(String participantId) { }

        default void onTalkStopped(String participantId) { }

        default void onActiveSpeakerChanged(String previousId, String newId) { }
    }

    private static final class Talker {
        double smoothedDbov = AudioLevel.SILENCE_DBOV;
        int spellRounds;      // rounds of speech in this talk spell (pauses not counted), 0 when not talking
        int silentRounds;     // rounds since the level was last above the threshold
    }

    private final Listener listener;
    private final Map<String, Talker> talkers = new HashMap<>();
    private String activeSpeaker;

    public ActiveSpeakerDetector(Listener listener) {
        this.listener = listener;
    }

    /**
     * Feeds one round.
     *
     * @param levels dBov of everyone whose audio arrived this round; absent participants are silent
     */
    public void onRound(Map<String, Double> levels) {
        for (Map.Entry<String, Double> e : levels.entrySet()) {
            talkers.computeIfAbsent(e.getKey(), id -> new Talker());
        }
        for (Map.Entry<String, Talker> e : talkers.entrySet()) {
            Double level = levels.get(e.getKey());
            update(e.getKey(), e.getValue(), level == null ? AudioLevel.SILENCE_DBOV : level);
        }
        String candidate = null;
        for (Map.Entry<String, Talker> e : talkers.entrySet()) {
            Talker t = e.getValue();
            if (e.getKey().equals(activeSpeaker) || t.spellRounds < MIN_SPELL_ROUNDS) {
                continue;
            }
            if (candidate == null || t.smoothedDbov > talkers.get(candidate).smoothedDbov) {
                candidate = e.getKey();
            }
        }
        if (candidate != null && shouldTakeFloor(talkers.get(candidate))) {
            String previous = activeSpeaker;
            activeSpeaker = candidate;
            listener.onActiveSpeakerChanged(previous, candidate);
        }
    }

    private boolean shouldTakeFloor(Talker candidate) {
        Talker current = activeSpeaker == null ? null : talkers.get(activeSpeaker);
        return current == null || current.spellRounds == 0
                || candidate.smoothedDbov > current.smoothedDbov + LOUDER_BY_DB;
    }

    private void update(String id, Talker t, double level) {
        t.smoothedDbov += 0.1 * (level - t.smoothedDbov);
        if (level >= SPEECH_DBOV) {
            if (t.spellRounds == 0) {
                listener.onTalkStarted(id);
            }
            t.spellRounds++;
            t.silentRounds = 0;
        } else if (t.spellRounds > 0) {
            t.silentRounds++;
            if (t.silentRounds > HANGOVER_ROUNDS) {
                t.spellRounds = 0;
                listener.onTalkStopped(id);
            }
        }
    }

    public Optional<String> activeSpeaker() {
        return Optional.ofNullable(activeSpeaker);
    }

    /** The participant left: it no longer holds the floor, and its talk spell ends. */
    public void forget(String participantId) {
        Talker t = talkers.remove(participantId);
        if (t != null && t.spellRounds > 0) {
            listener.onTalkStopped(participantId);
        }
        if (participantId.equals(activeSpeaker)) {
            activeSpeaker = null;
            listener.onActiveSpeakerChanged(participantId, null);
        }
    }

    int talkerCount() {
        return talkers.size();
    }

    /** Drops state for ids no longer present; for rooms that never call {@link #forget}. */
    void retainOnly(java.util.Set<String> ids) {
        for (Iterator<String> it = talkers.keySet().iterator(); it.hasNext(); ) {
            if (!ids.contains(it.next())) {
                it.remove();
            }
        }
    }
}
