package dev.mcu.conference;

import dev.mcu.encoder.AudioEncoder;
import dev.mcu.media.Codec;
import dev.mcu.mixer.ActiveSpeakerDetector;
import dev.mcu.mixer.AudioLevel;
import dev.mcu.mixer.AudioMixer;
import dev.mcu.mixer.MixResult;
import dev.mcu.transport.BatchedWrites;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A room's 20 ms of audio: reads each heard participant's frame, picks the K loudest, mixes them,
 * and sends each participant its audio (a speaker its own mix-minus, a promoted one its live cue,
 * everyone else the full mix encoded once per codec, as a mix-minus is when only one hears it), then
 * the attendees the same packet per codec ({@link ProgramAudio}) and the program sink the full mix.
 * Measures how late each round starts.
 *
 * <p>The room's audio lane only; the listener encoders are owned here.
 */
final class AudioRound implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(AudioRound.class);

    private final String room;
    private final Map<String, Participant> participants;  // borrowed: the room's, read here
    private final ProgramAudio attendees;                  // borrowed
    private final SpeakerSelector speakerSelector;         // borrowed
    private final ActiveSpeakerDetector activeSpeaker;     // borrowed
    private final AtomicLong clockErrors;
    private final AudioMixer mixer = new AudioMixer();
    private final Map<String, short[]> inputs = new HashMap<>();
    private final Map<String, Double> levels = new HashMap<>();
    /** Per codec and FEC or not ({@link #slot}), for a full mix several hear; owned. */
    private final AudioEncoder[] listenerEncoders = new AudioEncoder[2 * Codec.values().length];
    /** The same slots, for a full mix only one hears this round; owned. */
    private final AudioEncoder[] loneListenerEncoders = new AudioEncoder[2 * Codec.values().length];
    /** This round's hearers of each slot's full mix: participants, plus the attendees of its codec. */
    private final int[] listenersBySlot = new int[2 * Codec.values().length];
    /** This round's payloads, same slots. */
    private final byte[][] listenerPayloads = new byte[2 * Codec.values().length][];
    private final LatenessHistogram lateness = new LatenessHistogram();
    private int encodesLastRound;
    private long lastRoundNanos;
    private long skippedRounds;

    AudioRound(String room, Map<String, Participant> participants, ProgramAudio attendees,
               SpeakerSelector speakerSelector, ActiveSpeakerDetector activeSpeaker, AtomicLong clockErrors) {
        this.room = room;
        this.participants = participants;
        this.attendees = attendees;
        this.speakerSelector = speakerSelector;
        this.activeSpeaker = activeSpeaker;
        this.clockErrors = clockErrors;
    }

    /** One round, due at {@code scheduledNanos}; a failure is logged and the next round runs anyway. */
    void run(long scheduledNanos, long nowNanos, ProgramSink sink) {
        lateness.record(nowNanos - scheduledNanos);
        if (lastRoundNanos != 0 && scheduledNanos - lastRoundNanos > Room.AUDIO_ROUND_NANOS) {
            skippedRounds += (scheduledNanos - lastRoundNanos) / Room.AUDIO_ROUND_NANOS - 1; // the lane fell far behind
        }
        lastRoundNanos = scheduledNanos;
        try {
            mix(sink);
        } catch (RuntimeException e) {
            // A periodic task that throws is never run again: keep the room alive and say why.
            long errors = clockErrors.incrementAndGet();
            if (errors <= 10 || errors % 1000 == 0) {
                log.error("Room {}: audio mix failed ({} times so far); the room keeps running", room, errors, e);
            }
        }
        LatenessHistogram.Summary all = lateness.total();
        if (all.rounds() % Room.LATENESS_LOG_ROUNDS == 0) {
            LatenessHistogram.Summary window = lateness.takeWindow();
            log.info("Room {}: audio rounds late by p50 {} us, p99 {} us, max {} us over the last {} rounds"
                            + " ({} rounds skipped so far: the audio lane fell over 100 ms behind)",
                    room, window.p50Micros(), window.p99Micros(), window.maxMicros(), window.rounds(), skippedRounds);
        }
    }

    /**
     * Mixes the K loudest speakers. Each of them hears its own mix-minus, encoded for it alone;
     * everyone else hears the same full mix, encoded once per codec, whatever the room's size.
     */
    private void mix(ProgramSink sink) {
        levels.clear();
        for (Participant p : participants.values()) {
            InboundAudio in = p.inboundAudio();
            p.levelDbov = AudioLevel.SILENCE_DBOV;
            if (in != null && p.heard() && in.readFrame(p.pcmScratch)) {
                p.levelDbov = in.levelDbov(p.pcmScratch); // RFC 6464 level when signalled
                levels.put(p.id, p.levelDbov);
            }
        }
        activeSpeaker.onRound(levels);
        inputs.clear();
        for (String speaker : speakerSelector.select(levels)) {
            inputs.put(speaker, participants.get(speaker).pcmScratch);
        }
        for (Participant p : participants.values()) {
            p.mixed = inputs.containsKey(p.id);
        }
        MixResult mix = mixer.mix(inputs);
        Arrays.fill(listenerPayloads, null);
        countListeners(mix);
        int ownEncodes = 0;
        // Every participant's packet of this round, then each media loop woken once for them all.
        try (BatchedWrites.Round round = BatchedWrites.round()) {
            for (Participant p : participants.values()) {
                OutboundAudio out = p.outboundAudio();
                if (out == null) {
                    continue;
                }
                if (p.liveTone != null) {
                    short[] withCue = (mix.contributed(p.id) ? mix.mixFor(p.id) : mix.fullMix()).clone();
                    if (!p.liveTone.addInto(withCue)) {
                        p.liveTone = null;
                    }
                    out.sendOwnMix(withCue);
                    ownEncodes++;
                } else if (mix.contributed(p.id)) {
                    out.sendOwnMix(mix.mixFor(p.id));
                    ownEncodes++;
                } else {
                    out.sendSharedPayload(listenerPayload(out.codec(), out.inbandFec(), mix));
                }
            }
        }
        // Attendees share one stream per codec, so it must come from one encoder every round: the one
        // with FEC, as attendees are mostly browsers, which ask for it.
        attendees.send(codec -> listenerPayload(codec, true, mix));
        int sharedEncodes = 0;
        for (byte[] payload : listenerPayloads) {
            sharedEncodes += payload != null ? 1 : 0;
        }
        encodesLastRound = ownEncodes + sharedEncodes;
        if (sink != null) {
            sink.onProgramAudio(mix.fullMix());
        }
    }

    /**
     * The full mix in one codec, with Opus in-band FEC or without, encoded once a round for every
     * listener of that codec and FEC choice (a room of one kind of client encodes it once).
     */
    private byte[] listenerPayload(Codec codec, boolean inbandFec, MixResult mix) {
        // Called for every listener (1,000 in a big room): no capturing lambda, so nothing is allocated
        // once this round's payload exists.
        int slot = slot(codec, inbandFec && codec == Codec.OPUS); // only Opus has FEC: one slot for the others
        byte[] payload = listenerPayloads[slot];
        if (payload == null) {
            payload = listenerEncoder(codec, inbandFec, slot).encode(mix.fullMix());
            listenerPayloads[slot] = payload;
        }
        return payload;
    }

    /**
     * A full mix several hear is encoded once at full complexity, as the ffmpeg CLI would. One that
     * only one participant hears this round (the one who is not talking in a room of K + 1, most
     * meetings) is that participant's alone, so it is coded as a talker's mix-minus is
     * ({@link AudioEncoder#forOneListener}): in a four-party room with three talking, that turns the
     * round's dearest of four Opus encodes (complexity 10, tuned for voice) into a CELT one at less than
     * half its CPU (the audio lane: 0.046 against 0.034 cpu-s per s, docs/benchmarks.md).
     * Attendees always count as several: their one stream per codec must stay with one encoder.
     */
    private AudioEncoder listenerEncoder(Codec codec, boolean inbandFec, int slot) {
        if (listenersBySlot[slot] <= 1) {
            AudioEncoder lone = loneListenerEncoders[slot];
            if (lone == null) {
                lone = AudioEncoder.forOneListener(codec, inbandFec);
                loneListenerEncoders[slot] = lone;
            }
            return lone;
        }
        AudioEncoder shared = listenerEncoders[slot];
        if (shared == null) {
            shared = AudioEncoder.create(codec, AudioEncoder.OPUS_COMPLEXITY_SHARED, inbandFec);
            listenerEncoders[slot] = shared;
        }
        return shared;
    }

    /** Who will hear each slot's full mix this round: the participants who are not sent their own, and the attendees. */
    private void countListeners(MixResult mix) {
        Arrays.fill(listenersBySlot, 0);
        for (Participant p : participants.values()) {
            OutboundAudio out = p.outboundAudio();
            if (out != null && p.liveTone == null && !mix.contributed(p.id)) {
                Codec codec = out.codec();
                listenersBySlot[slot(codec, out.inbandFec() && codec == Codec.OPUS)]++;
            }
        }
        for (Codec codec : Codec.values()) {
            if (attendees.hasReceivers(codec)) {
                listenersBySlot[slot(codec, codec == Codec.OPUS)] += 2; // always shared (see listenerEncoder)
            }
        }
    }

    private static int slot(Codec codec, boolean inbandFec) {
        return 2 * codec.ordinal() + (inbandFec ? 1 : 0);
    }

    /** A participant left the mix for good. */
    void forget(String participantId) {
        mixer.forget(participantId);
    }

    int encodesLastRound() {
        return encodesLastRound;
    }

    List<String> mixedSpeakers() {
        return List.copyOf(inputs.keySet());
    }

    LatenessHistogram.Summary lateness() {
        return lateness.total();
    }

    long skippedRounds() {
        return skippedRounds;
    }

    @Override
    public void close() {
        closeAll(listenerEncoders);
        closeAll(loneListenerEncoders);
    }

    private static void closeAll(AudioEncoder[] encoders) {
        for (int i = 0; i < encoders.length; i++) {
            if (encoders[i] != null) {
                encoders[i].close();
                encoders[i] = null;
            }
        }
    }
}
