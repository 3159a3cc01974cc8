package dev.mcu.conference;

import dev.mcu.layouts.LayoutKind;
import dev.mcu.layouts.LayoutSpec;
import dev.mcu.media.I420Frame;
import dev.mcu.mixer.ActiveSpeakerDetector;
import dev.mcu.mixer.AudioLevel;
import dev.mcu.transport.MediaListener;
import dev.mcu.transport.MediaTransport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * A conference: its participants, its audio clock and its video pipeline. Every 20 ms the audio
 * round ({@link AudioRound}) mixes the K loudest speakers (each of them hears everyone but itself; everybody else hears
 * one shared mix, encoded once per codec); the {@link VideoPipeline} composites and encodes the
 * picture on its own lane, so a slow encode never delays a round of audio.
 *
 * <p>Attendees (view-only members, see {@link Attendee}) are kept apart from the participants:
 * no round ever looks at them one by one, except to send them the packet built once per codec
 * ({@link ProgramAudio}); promoting one builds its codecs, demoting a speaker frees them.
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
    private final ArrivalOrder arrivals;                                        // onto the audio lane
    private final RoomEvents events;
    private final VideoPipeline videoPipeline;                                  // owned
    private volatile ProgramSink programSink;                                   // borrowed, or null
    private final Map<String, Participant> participants = new LinkedHashMap<>(); // audio lane: seen and heard
    private final Map<String, Attendee> attendees = new LinkedHashMap<>();       // audio lane: view-only
    private final ProgramAudio programAudio = new ProgramAudio();                // audio lane
    private final Map<String, DtmfCommand.Sequence> keypads = new ConcurrentHashMap<>();
    private final boolean promotedStartMuted;
    private final Attendee.Listener attendeeListener = new Attendee.Listener() {
        @Override
        public void onKeyframeRequested(VideoProfileKey profile, MediaTransport receiver) {
            videoPipeline.requestKeyframe(profile, receiver);
        }

        @Override
        public void onDtmf(String participantId, char digit) {
            Room.this.onDtmf(participantId, digit);
        }
    };
    private final Participant.Listener participantListener = new Participant.Listener() {
        @Override
        public void onKeyframeRequested(Participant participant) {
            Room.this.onKeyframeRequested(participant);
        }

        @Override
        public void onDtmf(String participantId, char digit) {
            Room.this.onDtmf(participantId, digit);
        }
    };
    private final SpeakerSelector speakerSelector;                               // audio lane
    private final ActiveSpeakerDetector activeSpeaker;                           // audio lane
    private final AudioRound audioRound;                                         // owned, audio lane
    private final long startNanos;
    private final AtomicLong clockErrors = new AtomicLong();
    private volatile boolean closed;

    public Room(String name, VideoSettings video, int maxSpeakers, MediaClock clock, RoomEvents events) {
        this(name, video, maxSpeakers, clock, events, false);
    }

    /** @param promotedStartMuted an attendee promoted to speaker starts with its audio muted */
    public Room(String name, VideoSettings video, int maxSpeakers, MediaClock clock, RoomEvents events,
                boolean promotedStartMuted) {
        this.name = name;
        this.promotedStartMuted = promotedStartMuted;
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
        this.audioRound = new AudioRound(name, participants, programAudio, speakerSelector, activeSpeaker, clockErrors);
        this.audioLane = clock.lane("room-" + name + "-audio");
        this.arrivals = new ArrivalOrder(audioLane);
        audioLane.every(AUDIO_ROUND_NANOS, scheduled -> {
            long roundStart = clock.nanoTime();
            clock.timings().audioRoundLate(Math.max(0, roundStart - scheduled));
            audioRound.run(scheduled, roundStart, programSink);
            clock.timings().audioRoundMixed(clock.nanoTime() - roundStart);
        });
    }

    public String name() {
        return name;
    }

    /**
     * Adds a member's media to the room. A participant's codecs are opened here, on the caller's
     * thread (not on the audio lane, whose rounds must not wait); an attendee has none. Members join
     * in the order this is called, however long each one's codecs take to open ({@link ArrivalOrder}).
     * A member joining a room that has closed is hung up and everything opened for it is freed.
     */
    public void join(Member member) {
        enter(member, false);
    }

    /**
     * Rebuilds a member's media after a re-INVITE changed codecs, ports, direction or its role
     * ({@link Member#initialRole()} says which it has now); its mute flags stay as they were.
     */
    public void update(Member member) {
        enter(member, true);
    }

    private void enter(Member member, boolean again) {
        if (closed) {
            refuse(member, null);
            return;
        }
        ArrivalOrder.Place place = arrivals.arrive();
        Participant participant = null;
        Runnable add;
        try {
            if (member.initialRole() == Role.ATTENDEE) {
                Attendee attendee = new Attendee(member, attendeeListener);
                member.setMediaListener(attendee);
                add = () -> addAttendee(attendee, again);
            } else {
                Participant built = newParticipant(member, member.initialRole());
                member.setMediaListener(built);
                participant = built;
                add = () -> add(built, again);
            }
        } catch (RuntimeException | Error e) {
            arrivals.abandon(place); // else every member arriving after this one would wait forever
            throw e;
        }
        Participant toClose = participant;
        arrivals.ready(place, add, () -> refuse(member, toClose));
    }

    private Participant newParticipant(Member member, Role role) {
        return new Participant(member, role, name, clock.decodePool(), this::clockMillis, participantListener,
                clock.timings());
    }

    private void refuse(Member member, Participant participant) {
        member.setMediaListener(MediaListener.NONE);
        if (participant != null) {
            participant.close();
        }
        log.info("Room {}: {} arrived as the room closed; hanging up", name, member.displayName());
        member.hangup();
    }

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

    /** Removes a member's media; completes when the audio lane has let go of it. */
    public CompletableFuture<Void> leave(String callId) {
        return CompletableFuture.runAsync(() -> remove(callId), audioLane);
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
     * An attendee's flags are kept for when it is promoted.
     *
     * @return the participant afterwards, or empty when it is not in this room
     */
    public CompletableFuture<Optional<ParticipantSnapshot>> mute(String participantId, Boolean audio, Boolean video) {
        return CompletableFuture.supplyAsync(() -> {
            Attendee attendee = attendees.get(participantId);
            if (attendee != null) {
                boolean changed = (audio != null && audio != attendee.audioMuted)
                        || (video != null && video != attendee.videoMuted);
                attendee.audioMuted = audio != null ? audio : attendee.audioMuted;
                attendee.videoMuted = video != null ? video : attendee.videoMuted;
                if (changed) {
                    events.onMuted(name, participantId, attendee.audioMuted, attendee.videoMuted);
                }
                return Optional.of(attendee.snapshot());
            }
            Participant p = participants.get(participantId);
            if (p == null) {
                return Optional.empty();
            }
            setMuted(p, audio != null ? audio : p.audioMuted, video != null ? video : p.videoMuted);
            return Optional.of(snapshotOf(p));
        }, audioLane);
    }

    /** Audio lane. */
    private void setMuted(Participant p, boolean audio, boolean video) {
        if (audio != p.audioMuted || video != p.videoMuted) {
            p.audioMuted = audio;
            p.videoMuted = video;
            applyMediaGates(p);
            log.info("Room {}: {} is now {}", name, p.displayName(), muteWords(p));
            events.onMuted(name, p.id, p.audioMuted, p.videoMuted);
        }
    }

    /**
     * Gives a participant a role. An attendee is view-only: nothing it sends is decoded, mixed or
     * shown, and it costs the room one send per packet. Promoting one opens its codecs (on the
     * decode pool, not on the audio lane) and, when the room says so, starts it muted; demoting a
     * host or speaker frees them.
     *
     * @return the participant afterwards, or empty when it is not in this room
     */
    public CompletableFuture<Optional<ParticipantSnapshot>> setRole(String participantId, Role role) {
        Objects.requireNonNull(role, "role");
        record Step(Optional<ParticipantSnapshot> done, Attendee promote) {
        }
        return CompletableFuture.supplyAsync(() -> {
            Participant p = participants.get(participantId);
            if (p != null) {
                if (role == Role.ATTENDEE) {
                    return new Step(Optional.of(demote(p).snapshot()), null);
                }
                if (p.role != role) {
                    p.role = role;
                    log.info("Room {}: {} is now {}", name, p.displayName(), role.name().toLowerCase(Locale.ROOT));
                    events.onRoleChanged(name, p.id, role);
                }
                return new Step(Optional.of(snapshotOf(p)), null);
            }
            Attendee attendee = attendees.get(participantId);
            if (attendee == null) {
                return new Step(Optional.empty(), null);
            }
            return role == Role.ATTENDEE ? new Step(Optional.of(attendee.snapshot()), null) : new Step(null, attendee);
        }, audioLane).thenCompose(step -> step.promote() == null ? CompletableFuture.completedFuture(step.done())
                : promote(step.promote(), role));
    }

    /** Builds the promoted attendee's codecs on the decode pool, then swaps it in on the audio lane. */
    private CompletableFuture<Optional<ParticipantSnapshot>> promote(Attendee attendee, Role role) {
        return CompletableFuture.supplyAsync(() -> newParticipant(attendee.member(), role), clock.decodePool())
                .thenApplyAsync(p -> {
                    if (attendees.get(attendee.id) != attendee) {
                        p.close(); // it left, or changed, meanwhile
                        Participant now = participants.get(attendee.id);
                        return now == null ? Optional.<ParticipantSnapshot>empty() : Optional.of(snapshotOf(now));
                    }
                    removeAttendee(attendee);
                    p.audioMuted = attendee.audioMuted || promotedStartMuted;
                    p.videoMuted = attendee.videoMuted;
                    attendee.member().setMediaListener(p);
                    addParticipant(p);
                    log.info("Room {}: {} promoted to {}{}", name, p.displayName(), role.name().toLowerCase(Locale.ROOT),
                            p.audioMuted ? " (muted until it unmutes: *6, the page or the API)" : "");
                    events.onRoleChanged(name, p.id, role);
                    if (p.audioMuted != attendee.audioMuted) {
                        events.onMuted(name, p.id, p.audioMuted, p.videoMuted);
                    }
                    return Optional.of(snapshotOf(p));
                }, audioLane);
    }

    /** Audio lane: a host or speaker becomes view-only; its codecs are freed. */
    private Attendee demote(Participant p) {
        participants.remove(p.id);
        detach(p);
        publishVideoSources();
        Attendee attendee = new Attendee(p.member(), attendeeListener);
        attendee.audioMuted = p.audioMuted;
        attendee.videoMuted = p.videoMuted;
        p.member().setMediaListener(attendee);
        addAttendeeMedia(attendee);
        log.info("Room {}: {} is now an attendee", name, p.displayName());
        events.onRoleChanged(name, p.id, Role.ATTENDEE);
        return attendee;
    }

    /**
     * Plays the short "you are live" cue into one participant's own audio (a promoted attendee
     * hears it; nobody else does). Does nothing for an attendee or someone not in the room.
     */
    public void playLiveTone(String participantId) {
        audioLane.execute(() -> {
            Participant p = participants.get(participantId);
            if (p != null && p.outboundAudio() != null) {
                p.liveTone = new LiveTone();
            }
        });
    }

    /** Event loop or SIP thread: a digit of someone's keypad; a completed command runs on the audio lane. */
    private void onDtmf(String participantId, char digit) {
        DtmfCommand command = keypads.computeIfAbsent(participantId, id -> new DtmfCommand.Sequence())
                .onDigit(digit, clock.nanoTime());
        if (command == null) {
            return;
        }
        try {
            audioLane.execute(() -> {
                Participant p = participants.get(participantId);
                if (command == DtmfCommand.TOGGLE_HAND && (p != null || attendees.containsKey(participantId))) {
                    events.onHandToggled(name, participantId);
                } else if (command == DtmfCommand.TOGGLE_MUTE && p != null) {
                    setMuted(p, !p.audioMuted, p.videoMuted);
                }
            });
        } catch (RejectedExecutionException closing) {
            // the room closed: nothing to steer any more
        }
    }

    /** Everyone in the room: hosts and speakers in joining order, then the attendees in theirs. */
    public CompletableFuture<List<ParticipantSnapshot>> participants() {
        return CompletableFuture.supplyAsync(() -> {
            List<ParticipantSnapshot> out = new ArrayList<>(participants.size() + attendees.size());
            participants.values().forEach(p -> out.add(snapshotOf(p)));
            attendees.values().forEach(a -> out.add(a.snapshot().withVideoLayer(layerName(a.transport()))));
            return out;
        }, audioLane);
    }

    /**
     * The video pictures each host and speaker has had decoded so far, by participant id: the one
     * counter of a participant's rates that is not the transport's. Attendees are not listed (their
     * video is never decoded). Far cheaper than {@link #participants()} (no transport counters, no
     * layer lookup), so a once-a-second sampler costs the audio lane one map per room.
     */
    public CompletableFuture<Map<String, Long>> videoFramesDecoded() {
        return CompletableFuture.supplyAsync(() -> {
            Map<String, Long> out = new java.util.HashMap<>(participants.size() * 2);
            participants.values().forEach(p -> out.put(p.id, p.videoFramesDecoded()));
            return out;
        }, audioLane);
    }

    /** One participant, or empty when it is not in this room. */
    public CompletableFuture<Optional<ParticipantSnapshot>> participant(String participantId) {
        return CompletableFuture.supplyAsync(() -> {
            Participant p = participants.get(participantId);
            if (p != null) {
                return Optional.of(snapshotOf(p));
            }
            Attendee a = attendees.get(participantId);
            return a == null ? Optional.<ParticipantSnapshot>empty()
                    : Optional.of(a.snapshot().withVideoLayer(layerName(a.transport())));
        }, audioLane);
    }

    /**
     * The room's newest composite scaled to {@code width} x {@code height} (a thumbnail for the
     * dashboard), or empty before the first frame. Any thread.
     */
    public CompletableFuture<Optional<I420Frame>> thumbnail(int width, int height) {
        return videoPipeline.thumbnail(width, height);
    }

    /** Counters for the admin view and tests. */
    public CompletableFuture<RoomStats> stats() {
        return CompletableFuture.supplyAsync(this::audioStats, audioLane)
                .thenCombine(videoPipeline.stats(), this::roomStats);
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
                p.levelDbov, visible, p.audioCodec(), p.videoCodec(), p.stats(visible),
                p.videoProfile() == null ? null : layerName(p.transport()));
    }

    private String layerName(MediaTransport receiver) {
        return videoPipeline.layerOf(receiver).map(VideoLayerSpec::size).orElse(null);
    }

    /** Audio lane: a host or speaker arrives, or comes back changed by a re-INVITE ({@code again}). */
    private void add(Participant participant, boolean again) {
        if (closed) {
            refuse(participant.member(), participant);
            return;
        }
        Flags before = takeOut(participant.id);
        if (before != null) {
            participant.audioMuted = before.audioMuted();
            participant.videoMuted = before.videoMuted();
        }
        addParticipant(participant);
        if (again && before != null) {
            log.info("Room {}: {} changed its media; now a {}", name, participant.displayName(),
                    participant.role.name().toLowerCase(Locale.ROOT));
            return;
        }
        log.info("Room {}: {} joined as {} ({} in the room)", name, participant.displayName(),
                participant.role.name().toLowerCase(Locale.ROOT), size());
        events.onJoined(name, participant.id, participant.displayName(), participant.role);
    }

    /** Audio lane: puts a built participant into the rounds, the layout and its video profile. */
    private void addParticipant(Participant participant) {
        participants.put(participant.id, participant);
        if (participant.videoProfile() != null) {
            videoPipeline.addReceiver(participant.videoProfile(), participant.transport(), participant.id,
                    participant.videoCap());
        }
        applyMediaGates(participant);
        if (participant.inboundVideo() != null && participant.role.isSeenAndHeard()) {
            participant.transport().requestKeyframe();
        }
    }

    /** Audio lane: an attendee arrives, or comes back changed by a re-INVITE ({@code again}). */
    private void addAttendee(Attendee attendee, boolean again) {
        if (closed) {
            refuse(attendee.member(), null);
            return;
        }
        Flags before = takeOut(attendee.id);
        if (before != null) {
            attendee.audioMuted = before.audioMuted();
            attendee.videoMuted = before.videoMuted();
        }
        addAttendeeMedia(attendee);
        if (again && before != null) {
            log.info("Room {}: {} changed its media; now an attendee", name, attendee.member().displayName());
            return;
        }
        if (log.isDebugEnabled() || attendees.size() <= 10 || attendees.size() % 100 == 0) {
            log.info("Room {}: {} joined as attendee ({} in the room, {} of them attendees)", name,
                    attendee.member().displayName(), size(), attendees.size());
        }
        events.onJoined(name, attendee.id, attendee.member().displayName(), Role.ATTENDEE);
    }

    private void addAttendeeMedia(Attendee attendee) {
        attendees.put(attendee.id, attendee);
        if (attendee.hearsAudioIn() != null) {
            programAudio.add(attendee.hearsAudioIn(), attendee.transport());
        }
        if (attendee.videoProfile() != null) {
            videoPipeline.addReceiver(attendee.videoProfile(), attendee.transport(), attendee.id, attendee.videoCap());
        }
    }

    private void removeAttendee(Attendee attendee) {
        attendees.remove(attendee.id);
        if (attendee.hearsAudioIn() != null) {
            programAudio.remove(attendee.hearsAudioIn(), attendee.transport());
        }
        if (attendee.videoProfile() != null) {
            videoPipeline.removeReceiver(attendee.videoProfile(), attendee.transport());
        }
    }

    private record Flags(boolean audioMuted, boolean videoMuted) {
    }

    /** Audio lane: takes a member out of the room, whatever its role; its mute flags, or null when absent. */
    private Flags takeOut(String callId) {
        Participant participant = participants.remove(callId);
        if (participant != null) {
            detach(participant);
            publishVideoSources();
            return new Flags(participant.audioMuted, participant.videoMuted);
        }
        Attendee attendee = attendees.get(callId);
        if (attendee != null) {
            removeAttendee(attendee);
            return new Flags(attendee.audioMuted, attendee.videoMuted);
        }
        return null;
    }

    private int size() {
        return participants.size() + attendees.size();
    }

    private void remove(String callId) {
        Participant participant = participants.get(callId);
        String who = participant != null ? participant.displayName()
                : attendees.containsKey(callId) ? attendees.get(callId).member().displayName() : null;
        if (takeOut(callId) != null) {
            keypads.remove(callId);
            log.info("Room {}: {} left ({} in the room)", name, who, size());
            events.onLeft(name, callId);
        }
    }

    private void detach(Participant participant) {
        audioRound.forget(participant.id);
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
            videoPipeline.requestKeyframe(key, participant.transport());
        }
    }

    private long clockMillis() {
        return (clock.nanoTime() - startNanos) / 1_000_000L;
    }

    private AudioStats audioStats() {
        return new AudioStats(size(), audioRound.encodesLastRound(), audioRound.mixedSpeakers(),
                activeSpeaker.activeSpeaker().orElse(null), audioRound.lateness(), audioRound.skippedRounds());
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
            for (Attendee a : new ArrayList<>(attendees.values())) {
                removeAttendee(a);
            }
            audioRound.close();
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
