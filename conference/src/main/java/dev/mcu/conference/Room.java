package dev.mcu.conference;

import dev.mcu.encoder.AudioEncoder;
import dev.mcu.layouts.LayoutKind;
import dev.mcu.layouts.LayoutSpec;
import dev.mcu.media.Codec;
import dev.mcu.mixer.ActiveSpeakerDetector;
import dev.mcu.mixer.AudioLevel;
import dev.mcu.mixer.AudioMixer;
import dev.mcu.mixer.MixResult;
import dev.mcu.transport.MediaListener;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * A conference: its participants, its audio clock and its video pipeline. Every 20 ms the audio
 * clock mixes the K loudest speakers (each of them hears everyone but itself; everybody else hears
 * one shared mix, encoded once per codec); the {@link VideoPipeline} composites and encodes the
 * picture on its own lane, so a slow encode never delays a round of audio.
 *
 * <p>Threads: participants, mixing, commands and snapshots are confined to the room's audio lane
 * ({@code room-NAME-audio}); public methods may be called from any thread and hand their work to
 * it. The lane never composites, encodes video, decodes, or waits on another thread.
 */
public final class Room implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Room.class);
    static final long AUDIO_ROUND_NANOS = 20_000_000L;
    /** How often the audio lateness of the last window is logged (the load benchmark reads it). */
    static final int LATENESS_LOG_ROUNDS = 500;

    private final String name;
    private final VideoSettings video;
    private final MediaClock clock;
    private final MediaClock.Lane audioLane;
    private final RoomEvents events;
    private final VideoPipeline videoPipeline;                                  // owned
    private volatile ProgramSink programSink;                                   // borrowed, or null
    private final Map<String, Participant> participants = new LinkedHashMap<>(); // audio lane
    private final Map<String, short[]> audioInputs = new HashMap<>();            // audio lane
    private final AudioMixer mixer = new AudioMixer();                           // audio lane
    private final SpeakerSelector speakerSelector;                               // audio lane
    private final ActiveSpeakerDetector activeSpeaker;                           // audio lane
    private final Map<String, Double> levels = new HashMap<>();                   // audio lane
    private final Map<Codec, AudioEncoder> listenerEncoders = new HashMap<>();    // owned, audio lane
    private final Map<Codec, byte[]> listenerPayloads = new HashMap<>();          // audio lane, per round
    private final LatenessHistogram lateness = new LatenessHistogram();          // audio lane
    private final long startNanos;
    private final AtomicLong clockErrors = new AtomicLong();
    private volatile boolean closed;
    private int audioEncodesLastRound;
    private long lastRoundNanos;                                                  // audio lane
    private long skippedRounds;                                                   // audio lane

    public Room(String name, VideoSettings video, int maxSpeakers, MediaClock clock, RoomEvents events) {
        this.name = name;
        this.video = video;
        this.clock = clock;
        this.events = events;
        this.startNanos = clock.nanoTime();
        this.speakerSelector = new SpeakerSelector(maxSpeakers);
        this.videoPipeline = new VideoPipeline(name, video, clock, clockErrors::incrementAndGet);
        this.activeSpeaker = new ActiveSpeakerDetector(new ActiveSpeakerDetector.Listener() {
            @Override
            public void onTalkStarted(String participantId) {
                setTalking(participantId, true);
                events.onTalkStarted(name, participantId);
            }

            @Override
            public void onTalkStopped(String participantId) {
                setTalking(participantId, false);
                events.onTalkStopped(name, participantId);
            }

            @Override
            public void onActiveSpeakerChanged(String previousId, String newId) {
                Participant p = newId == null ? null : participants.get(newId);
                log.info("Room {}: active speaker is now {}", name, p == null ? "nobody" : p.displayName());
                videoPipeline.speakerChanged(newId);
                events.onActiveSpeakerChanged(name, newId);
            }
        });
        this.audioLane = clock.lane("room-" + name + "-audio");
        audioLane.every(AUDIO_ROUND_NANOS, this::audioRound);
    }

    public String name() {
        return name;
    }

    /**
     * Adds a member's media to the room. Its codecs are opened here, on the caller's thread (not on
     * the audio lane, whose rounds must not wait); a member joining a room that has closed is hung
     * up and everything opened for it is freed.
     */
    public void join(Member member) {
        if (closed) {
            refuse(member, null);
            return;
        }
        Participant participant = new Participant(member, name, clock.decodePool(), this::clockMillis,
                this::onKeyframeRequested);
        member.setMediaListener(participant);
        try {
            audioLane.execute(() -> add(participant));
        } catch (RejectedExecutionException e) {
            refuse(member, participant);
        }
    }

    private void refuse(Member member, Participant participant) {
        if (participant != null) {
            member.setMediaListener(MediaListener.NONE);
            participant.close();
        }
        log.info("Room {}: {} arrived as the room closed; hanging up", name, member.displayName());
        member.hangup();
    }

    /** Removes a member's media; completes when the audio lane has let go of it. */
    /**
     * Hands the room's program (its H.264 encode and its full mix) to {@code sink}, or stops with
     * null. Any thread.
     */
    public void setProgramSink(ProgramSink sink) {
        if (closed) {
            return;
        }
        programSink = sink;
        try {
            videoPipeline.setProgramSink(sink);
        } catch (RejectedExecutionException closing) {
            programSink = null; // the room closed meanwhile: there is no program any more
        }
    }

    /** Asks the program's encoder for a keyframe (an egress starts or reconnects). Any thread. */
    public void requestProgramKeyframe() {
        try {
            videoPipeline.requestProgramKeyframe();
        } catch (RejectedExecutionException closing) {
            // the room closed: its egresses are being stopped
        }
    }

    public CompletableFuture<Void> leave(String callId) {
        return CompletableFuture.runAsync(() -> remove(callId), audioLane);
    }

    /** Rebuilds a participant's media after a re-INVITE changed codecs, ports or direction. */
    public void update(Member member) {
        leave(member.id());
        join(member);
    }

    /** Changes the layout at run time; the canvas is redrawn on the next frame. */
    public void setLayout(LayoutSpec spec) {
        audioLane.execute(() -> {
            videoPipeline.setLayout(spec);
            log.info("Room {}: layout is now {}{}", name, spec.kind(),
                    spec.focusId() == null ? "" : " on " + spec.focusId());
            events.onLayoutChanged(name, spec.kind(), spec.focusId());
        });
    }

    /**
     * Changes the layout kind and its focus; a null focus follows the active speaker when
     * {@code video.followSpeaker} is on. A custom layout keeps the configured tiles.
     *
     * @throws IllegalArgumentException for a custom layout when none is configured
     */
    public void setLayout(LayoutKind kind, String focusId) {
        setLayout(new LayoutSpec(kind, focusId, kind == LayoutKind.CUSTOM ? video.customTiles() : List.of()));
    }

    /**
     * Mutes or unmutes a participant's audio and/or video (null leaves that kind as it is). Muted
     * audio is not decoded nor mixed; muted video keeps its tile, showing a placeholder with the name.
     *
     * @return the participant afterwards, or empty when it is not in this room
     */
    public CompletableFuture<Optional<ParticipantSnapshot>> mute(String participantId, Boolean audio, Boolean video) {
        return onAudioLane(participantId, p -> {
            boolean changed = false;
            if (audio != null && audio != p.audioMuted) {
                p.audioMuted = audio;
                changed = true;
            }
            if (video != null && video != p.videoMuted) {
                p.videoMuted = video;
                changed = true;
            }
            if (changed) {
                applyMediaGates(p);
                log.info("Room {}: {} is now {}", name, p.displayName(), muteWords(p));
                events.onMuted(name, p.id, p.audioMuted, p.videoMuted);
            }
        });
    }

    /**
     * Gives a participant a role. An attendee's media is neither decoded, mixed nor shown; it keeps
     * receiving the room.
     *
     * @return the participant afterwards, or empty when it is not in this room
     */
    public CompletableFuture<Optional<ParticipantSnapshot>> setRole(String participantId, Role role) {
        Objects.requireNonNull(role, "role");
        return onAudioLane(participantId, p -> {
            if (p.role != role) {
                p.role = role;
                applyMediaGates(p);
                log.info("Room {}: {} is now {}", name, p.displayName(), role.name().toLowerCase(Locale.ROOT));
                events.onRoleChanged(name, p.id, role);
            }
        });
    }

    /** Everyone in the room, in joining order. */
    public CompletableFuture<List<ParticipantSnapshot>> participants() {
        return CompletableFuture.supplyAsync(
                () -> participants.values().stream().map(this::snapshotOf).toList(), audioLane);
    }

    /** One participant, or empty when it is not in this room. */
    public CompletableFuture<Optional<ParticipantSnapshot>> participant(String participantId) {
        return onAudioLane(participantId, p -> { });
    }

    /** Counters for the admin view and tests. */
    public CompletableFuture<RoomStats> stats() {
        return CompletableFuture.supplyAsync(this::audioStats, audioLane)
                .thenCombine(videoPipeline.stats(), this::roomStats);
    }

    private CompletableFuture<Optional<ParticipantSnapshot>> onAudioLane(String participantId,
                                                                         Consumer<Participant> change) {
        return CompletableFuture.supplyAsync(() -> {
            Participant p = participants.get(participantId);
            if (p == null) {
                return Optional.empty();
            }
            change.accept(p);
            return Optional.of(snapshotOf(p));
        }, audioLane);
    }

    private static String muteWords(Participant p) {
        return (p.audioMuted ? "muted" : "unmuted") + " (audio), " + (p.videoMuted ? "muted" : "unmuted") + " (video)";
    }

    /** After a join, mute or role change: stop or restart decoding and redraw. Audio lane. */
    private void applyMediaGates(Participant p) {
        if (p.inboundAudio() != null) {
            p.inboundAudio().setDecoding(p.heard());
        }
        if (!p.heard()) {
            p.levelDbov = AudioLevel.SILENCE_DBOV;
            speakerSelector.forget(p.id);
            activeSpeaker.forget(p.id);
        }
        publishVideoSources();
    }

    private void publishVideoSources() {
        List<VideoPipeline.Source> sources = new ArrayList<>();
        for (Participant p : participants.values()) {
            if (p.inboundVideo() != null) {
                sources.add(new VideoPipeline.Source(p.id, p.displayName(), p.inboundVideo(), p.videoMuted, p.shown()));
            }
        }
        videoPipeline.setSources(sources);
    }

    private void setTalking(String participantId, boolean talking) {
        Participant p = participants.get(participantId);
        if (p != null) {
            p.talking = talking;
        }
    }

    private ParticipantSnapshot snapshotOf(Participant p) {
        boolean visible = videoPipeline.layout().isVisible(p.id);
        return new ParticipantSnapshot(p.id, p.displayName(), p.role, p.audioMuted, p.videoMuted, p.talking,
                p.levelDbov, visible, p.audioCodec(), p.videoCodec(), p.stats(visible));
    }

    private void add(Participant participant) {
        if (closed) {
            refuse(participant.member(), participant);
            return;
        }
        Participant previous = participants.put(participant.id, participant);
        if (previous != null) {
            detach(previous);
        }
        if (participant.videoProfile() != null) {
            videoPipeline.addReceiver(participant.videoProfile(), participant.transport());
        }
        applyMediaGates(participant);
        if (participant.inboundVideo() != null && participant.role.isSeenAndHeard()) {
            participant.transport().requestKeyframe();
        }
        log.info("Room {}: {} joined as {} ({} in the room)", name, participant.displayName(),
                participant.role.name().toLowerCase(Locale.ROOT), participants.size());
        events.onJoined(name, participant.id, participant.displayName(), participant.role);
    }

    private void remove(String callId) {
        Participant participant = participants.remove(callId);
        if (participant != null) {
            detach(participant);
            publishVideoSources();
            log.info("Room {}: {} left ({} in the room)", name, participant.displayName(), participants.size());
            events.onLeft(name, callId);
        }
    }

    private void detach(Participant participant) {
        mixer.forget(participant.id);
        speakerSelector.forget(participant.id);
        activeSpeaker.forget(participant.id);
        if (participant.videoProfile() != null) {
            videoPipeline.removeReceiver(participant.videoProfile(), participant.transport());
        }
        participant.close();
    }

    private void onKeyframeRequested(Participant participant) {
        VideoProfileKey key = participant.videoProfile();
        if (key != null) {
            videoPipeline.requestKeyframe(key);
        }
    }

    private long clockMillis() {
        return (clock.nanoTime() - startNanos) / 1_000_000L;
    }

    private void audioRound(long scheduledNanos) {
        lateness.record(clock.nanoTime() - scheduledNanos);
        if (lastRoundNanos != 0 && scheduledNanos - lastRoundNanos > AUDIO_ROUND_NANOS) {
            skippedRounds += (scheduledNanos - lastRoundNanos) / AUDIO_ROUND_NANOS - 1; // the lane fell far behind
        }
        lastRoundNanos = scheduledNanos;
        try {
            mixAudio();
        } catch (RuntimeException e) {
            // A periodic task that throws is never run again: keep the room alive and say why.
            long errors = clockErrors.incrementAndGet();
            if (errors <= 10 || errors % 1000 == 0) {
                log.error("Room {}: audio mix failed ({} times so far); the room keeps running", name, errors, e);
            }
        }
        LatenessHistogram.Summary all = lateness.total();
        if (all.rounds() % LATENESS_LOG_ROUNDS == 0) {
            LatenessHistogram.Summary window = lateness.takeWindow();
            log.info("Room {}: audio rounds late by p50 {} us, p99 {} us, max {} us over the last {} rounds"
                            + " ({} rounds skipped so far: the audio lane fell over 100 ms behind)",
                    name, window.p50Micros(), window.p99Micros(), window.maxMicros(), window.rounds(), skippedRounds);
        }
    }

    /**
     * Mixes the K loudest speakers. Each of them hears its own mix-minus, encoded for it alone;
     * everyone else hears the same full mix, encoded once per codec, whatever the room's size.
     */
    private void mixAudio() {
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
        audioInputs.clear();
        for (String speaker : speakerSelector.select(levels)) {
            audioInputs.put(speaker, participants.get(speaker).pcmScratch);
        }
        for (Participant p : participants.values()) {
            p.mixed = audioInputs.containsKey(p.id);
        }
        MixResult mix = mixer.mix(audioInputs);
        listenerPayloads.clear();
        int ownEncodes = 0;
        for (Participant p : participants.values()) {
            OutboundAudio out = p.outboundAudio();
            if (out == null) {
                continue;
            }
            if (mix.contributed(p.id)) {
                out.sendOwnMix(mix.mixFor(p.id));
                ownEncodes++;
            } else {
                out.sendSharedPayload(listenerPayloads.computeIfAbsent(out.codec(),
                        codec -> listenerEncoders.computeIfAbsent(codec, AudioEncoder::create).encode(mix.fullMix())));
            }
        }
        audioEncodesLastRound = ownEncodes + listenerPayloads.size();
        ProgramSink sink = programSink;
        if (sink != null) {
            sink.onProgramAudio(mix.fullMix());
        }
    }

    private AudioStats audioStats() {
        return new AudioStats(participants.size(), audioEncodesLastRound, List.copyOf(audioInputs.keySet()),
                activeSpeaker.activeSpeaker().orElse(null), lateness.total(), skippedRounds);
    }

    private record AudioStats(int participants, int audioEncodesLastRound, List<String> mixedSpeakers,
                              String activeSpeaker, LatenessHistogram.Summary lateness, long skippedRounds) {
    }

    private RoomStats roomStats(AudioStats a, VideoPipeline.Stats v) {
        return new RoomStats(name, a.participants(), v.profiles(), v.framesSent(), a.audioEncodesLastRound(),
                a.mixedSpeakers(), a.activeSpeaker(), v.visible(), v.bitrateKbps(), clockErrors.get(),
                new AudioLateness(a.lateness().rounds(), a.lateness().p50Micros(), a.lateness().p99Micros(),
                        a.lateness().maxMicros(), a.skippedRounds()), v.framesSkipped());
    }

    /**
     * How late the 20 ms audio rounds started (actual minus scheduled start) since the room opened.
     *
     * @param p99Micros     the 99th percentile, to 50 µs
     * @param skippedRounds rounds never run because the audio lane had fallen over 100 ms behind
     */
    public record AudioLateness(long rounds, long p50Micros, long p99Micros, long maxMicros, long skippedRounds) {
    }

    /**
     * A room's own figures at one moment; each participant's are in its {@link ParticipantSnapshot}.
     *
     * @param framesSent            video frames encoded, summed over the output profiles
     * @param audioEncodesLastRound audio encodes the last 20 ms round cost: one per mixed speaker plus
     *                              one per codec among the listeners
     * @param mixedSpeakers         ids of the participants mixed in the last round
     * @param activeSpeaker         id of who has the floor, or null
     * @param visibleInLayout       ids that have a tile, in drawing order
     * @param videoBitrateKbps      each video output profile's current target bit rate
     * @param videoFramesSkipped    composited frames dropped because the encoders were a frame behind
     */
    public record RoomStats(String room, int participants, int videoProfiles, long framesSent,
                            int audioEncodesLastRound, List<String> mixedSpeakers, String activeSpeaker,
                            List<String> visibleInLayout, Map<String, Integer> videoBitrateKbps, long clockErrors,
                            AudioLateness audioLateness, long videoFramesSkipped) {
    }

    /** Stops the clocks and frees every participant's and profile's codecs. Does not hang up calls. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        CompletableFuture<Void> audioDone = CompletableFuture.runAsync(() -> {
            closed = true;
            for (Participant p : new ArrayList<>(participants.values())) {
                detach(p);
            }
            participants.clear();
            listenerEncoders.values().forEach(AudioEncoder::close);
            listenerEncoders.clear();
        }, audioLane);
        try {
            audioDone.thenCompose(v -> videoPipeline.close()).get(5, TimeUnit.SECONDS);
        } catch (Exception e) {
            closed = true;
            log.warn("Room {}: closing took too long or failed: {}", name, e.toString());
        }
        audioLane.shutdown();
        videoPipeline.shutdown();
        ProgramSink sink = programSink;
        programSink = null;
        if (sink != null) {
            sink.onProgramEnded();
        }
    }
}
