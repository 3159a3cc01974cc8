package dev.mcu.app;

import dev.mcu.app.api.ConferenceControl;
import dev.mcu.app.api.LayoutChoice;
import dev.mcu.app.api.LobbyView;
import dev.mcu.app.api.ParticipantView;
import dev.mcu.app.api.Role;
import dev.mcu.app.api.RoomView;
import dev.mcu.app.events.EventBus;
import dev.mcu.app.events.McuEvent;
import dev.mcu.app.http.HttpError;
import dev.mcu.conference.ParticipantSnapshot;
import dev.mcu.conference.Room;
import dev.mcu.conference.RoomEvents;
import dev.mcu.layouts.LayoutKind;
import dev.mcu.media.Direction;
import dev.mcu.media.MediaKind;
import dev.mcu.media.NegotiatedStream;
import dev.mcu.sip.Call;
import dev.mcu.transport.TransportStats;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;

/**
 * The rooms as the API sees and steers them: who is in which room under which short id, name
 * and role; locks; layouts; and the watchdog that ends calls whose media stopped. Publishes the
 * participant and room events.
 *
 * <p>Threads: join/leave from SIP threads, queries and actions from HTTP workers, the watchdog
 * and the rate sampler from the server's scheduler (the control timer); state is in concurrent maps, and events are published outside any
 * lock.
 */
final class RoomControl implements ConferenceControl {
    private static final Logger log = LoggerFactory.getLogger(RoomControl.class);

    /** One participant of the API: the room's call plus what the operator set. */
    static final class Member {
        final String id;
        final WatchedCall call;
        final String name;
        final String transport;
        final Instant joinedAt;
        volatile Role role;
        volatile boolean handRaised;
        volatile boolean talking;
        volatile String endReason;     // set before we hang up, so the left event says why
        // promoted: play the live cue once its re-INVITE is through (whichever thread gets there first plays it)
        final AtomicBoolean announceLive = new AtomicBoolean();
        long lastRtcpCount = -1;       // watchdog thread only
        long lastRtcpNanos;            // watchdog thread only
        final RecentRates rates;       // sampled by the control timer, read by HTTP handlers

        Member(String id, WatchedCall call, String name, Role role, String transport, Instant joinedAt) {
            this.id = id;
            this.call = call;
            this.name = name;
            this.role = role;
            this.transport = transport;
            this.joinedAt = joinedAt;
            this.rates = new RecentRates(System.nanoTime());
        }
    }

    private final McuConfig config;
    private RoomRegistry rooms;           // borrowed; set once by useRooms before any call
    private volatile Predicate<String> recording = room -> false;   // set once by useRecordings
    private final EventBus events;        // borrowed
    private final AtomicLong nextId = new AtomicLong();
    private final Map<String, Member> byCallId = new ConcurrentHashMap<>();
    private final Map<String, Member> byId = new ConcurrentHashMap<>();
    private final Set<String> locked = ConcurrentHashMap.newKeySet();
    private final Map<String, Reservation> reserved = new ConcurrentHashMap<>();
    private final Map<String, LayoutChoice> layouts = new ConcurrentHashMap<>();
    private final Map<String, McuConfig.RoomSpec> specs = new ConcurrentHashMap<>();
    private final AtomicLong mediaTimeouts = new AtomicLong();

    RoomControl(McuConfig config, EventBus events) {
        this.config = config;
        this.events = events;
        for (McuConfig.RoomSpec spec : config.rooms().list()) {
            specs.put(spec.name(), spec);
        }
    }

    /** Whether a room is being recorded (the egresses are built after this object, so handed over later). */
    void useRecordings(Predicate<String> recordingRooms) {
        this.recording = recordingRooms;
    }

    /** The registry is built with this object's room events, so it is handed over afterwards. */
    void useRooms(RoomRegistry registry) {
        this.rooms = registry;
    }

    // ---- calls coming and going (SIP threads) ----

    boolean isLocked(String room) {
        return locked.contains(room);
    }

    /**
     * The participant id a call will have, chosen when it is admitted (a browser is told it in the
     * 200 OK). Reservations of calls that never started are dropped after a minute.
     */
    String reserveId(String callId) {
        long now = System.nanoTime();
        reserved.values().removeIf(r -> now - r.atNanos() > TimeUnit.MINUTES.toNanos(1));
        return reserved.computeIfAbsent(callId, c -> new Reservation("p" + nextId.incrementAndGet(), now)).id();
    }

    private record Reservation(String id, long atNanos) {
    }

    /** Registers a call that is up; the returned member is what the room must be given. */
    SipMember register(Call call, Role role, String transport) {
        WatchedCall managed = new WatchedCall(call, System.nanoTime());
        Reservation reservation = reserved.remove(call.id());
        String id = reservation != null ? reservation.id() : "p" + nextId.incrementAndGet();
        Member member = new Member(id, managed, displayName(call), role, transport, Instant.now());
        byCallId.put(call.id(), member);
        byId.put(member.id, member);
        return sipMember(member);
    }

    private static SipMember sipMember(Member m) {
        return new SipMember(m.call, m.name, toRoom(m.role));
    }

    Optional<Member> member(String callId) {
        return Optional.ofNullable(byCallId.get(callId));
    }

    /** The room member for a call the SIP layer reports as updated (re-INVITE). */
    SipMember managed(Call call) {
        Member member = byCallId.get(call.id());
        return member == null ? new SipMember(call, displayName(call), dev.mcu.conference.Role.SPEAKER) : sipMember(member);
    }

    void joined(Call call, boolean roomCreated) {
        Member member = byCallId.get(call.id());
        if (roomCreated) {
            events.publish(McuEvent.of("room.created", call.room()));
        }
        if (member != null) {
            events.publish(McuEvent.of("participant.joined", call.room(), member.id,
                    Map.of("name", member.name, "role", member.role.wireName(), "transport", member.transport)));
        }
    }

    /** @param sipReason what the SIP layer says ended it */
    void left(Call call, String sipReason, boolean roomClosed) {
        Member member = byCallId.remove(call.id());
        if (member != null) {
            byId.remove(member.id);
            String reason = member.endReason != null ? member.endReason : leaveReason(sipReason);
            events.publish(McuEvent.of("participant.left", call.room(), member.id, Map.of("reason", reason)));
        }
        if (roomClosed) {
            locked.remove(call.room());
            layouts.remove(call.room());
            events.publish(McuEvent.of("room.closed", call.room()));
        }
    }

    private static String leaveReason(String sipReason) {
        String r = sipReason == null ? "" : sipReason.toLowerCase(java.util.Locale.ROOT);
        if (r.contains("bye") || r.contains("caller hung up")) {
            return "bye";                 // SipCall.onBye says "the caller hung up"
        }
        if (r.contains("session timer expired") || r.contains("session refresh failed")) {
            return "session-expired";     // RFC 4028: the session was not refreshed in time
        }
        if (r.contains("connection closed")) {
            return "connection-closed";   // a browser's WebSocket went away
        }
        if (r.contains("consent") || r.contains("ice")) {
            return "media-timeout";
        }
        return r.isEmpty() ? "ended" : r;
    }

    // ---- talk events from the rooms (room clock threads) ----

    RoomEvents roomEvents(RoomEvents alsoTell) {
        return new RoomEvents() {
            @Override
            public void onTalkStarted(String room, String callId) {
                talking(room, callId, true);
                alsoTell.onTalkStarted(room, callId);
            }

            @Override
            public void onTalkStopped(String room, String callId) {
                talking(room, callId, false);
                alsoTell.onTalkStopped(room, callId);
            }

            @Override
            public void onActiveSpeakerChanged(String room, String callId) {
                Member m = callId == null ? null : byCallId.get(callId);
                events.publish(McuEvent.of("speaker.changed", room, m == null ? null : m.id, Map.of()));
                alsoTell.onActiveSpeakerChanged(room, callId);
            }

            @Override
            public void onMuted(String room, String callId, boolean audioMuted, boolean videoMuted) {
                Member m = byCallId.get(callId);
                if (m != null) {
                    events.publish(McuEvent.of("participant.muted", room, m.id, Map.of("audio", audioMuted, "video", videoMuted)));
                }
                alsoTell.onMuted(room, callId, audioMuted, videoMuted);
            }

            @Override
            public void onRoleChanged(String room, String callId, dev.mcu.conference.Role role) {
                Member m = byCallId.get(callId);
                if (m != null) {
                    m.role = fromRoom(role);
                    events.publish(McuEvent.of("participant.role", room, m.id, Map.of("role", m.role.wireName())));
                }
                alsoTell.onRoleChanged(room, callId, role);
            }

            @Override
            public void onHandToggled(String room, String callId) {
                Member m = byCallId.get(callId);
                if (m != null) {
                    m.handRaised = !m.handRaised;
                    log.info("Room {}: {} {} a hand (*9)", room, m.name, m.handRaised ? "raised" : "lowered");
                    events.publish(McuEvent.of("participant.hand", room, m.id, Map.of("raised", m.handRaised)));
                }
                alsoTell.onHandToggled(room, callId);
            }

            @Override
            public void onLayoutChanged(String room, LayoutKind kind, String focusCallId) {
                Member focus = focusCallId == null ? null : byCallId.get(focusCallId);
                String wire = choiceOf(kind).wireName();
                events.publish(McuEvent.of("layout.changed", room, null,
                        focus == null ? Map.of("kind", wire) : Map.of("kind", wire, "focus", focus.id)));
                alsoTell.onLayoutChanged(room, kind, focusCallId);
            }
        };
    }

    static dev.mcu.conference.Role toRoom(Role role) {
        return dev.mcu.conference.Role.valueOf(role.name());
    }

    static Role fromRoom(dev.mcu.conference.Role role) {
        return Role.valueOf(role.name());
    }

    private void talking(String room, String callId, boolean talking) {
        Member m = byCallId.get(callId);
        if (m != null) {
            m.talking = talking;
            events.publish(McuEvent.of("participant.talking", room, m.id, Map.of("talking", talking)));
        }
    }

    // ---- the watchdog (scheduler thread) ----

    /**
     * Ends calls whose media stopped: no RTP for {@code timeout} while the caller should be
     * sending, or, for a call on hold (it sends nothing by agreement), no RTCP for four times that.
     */
    void endSilentCalls(long timeoutNanos) {
        long now = System.nanoTime();
        for (Member m : byCallId.values()) {
            if (m.endReason != null) {
                continue;
            }
            boolean onHold = remoteSendsNothing(m.call.streams());
            long silentFor;
            if (onHold) {
                long rtcp = rtcpReceived(m.call);
                if (rtcp != m.lastRtcpCount) {
                    m.lastRtcpCount = rtcp;
                    m.lastRtcpNanos = now;
                }
                silentFor = now - Math.max(m.lastRtcpNanos, m.call.lastPacketNanos());
                if (silentFor < 4 * timeoutNanos) {
                    continue;
                }
            } else {
                silentFor = now - m.call.lastPacketNanos();
                if (silentFor < timeoutNanos) {
                    continue;
                }
            }
            mediaTimeouts.incrementAndGet();
            log.info("Room {}: {} sent no media for {} s; hanging up (media.timeoutSeconds)", m.call.room(), m.name,
                    TimeUnit.NANOSECONDS.toSeconds(silentFor));
            end(m, "media-timeout");
        }
    }

    long mediaTimeouts() {
        return mediaTimeouts.get();
    }

    private static boolean remoteSendsNothing(List<NegotiatedStream> streams) {
        for (NegotiatedStream s : streams) {
            // our direction SENDRECV or RECVONLY means the remote agreed to send
            if (s.direction() == Direction.SENDRECV || s.direction() == Direction.RECVONLY) {
                return false;
            }
        }
        return true;
    }

    private static long rtcpReceived(Call call) {
        long total = 0;
        for (NegotiatedStream s : call.streams()) {
            total += call.transport().stats(s.kind()).rtcpReceived();
        }
        return total;
    }

    private void end(Member m, String reason) {
        m.endReason = reason;
        m.call.hangup();
    }

    // ---- recent rates (control timer) ----

    /**
     * Takes a sample of every member's video counters into its {@link RecentRates}: the decoded
     * pictures from one {@link Room#videoFramesDecoded()} per room, the bytes from the transports' own
     * (thread-safe) counters, read and written on {@code timer} once the rooms have answered.
     */
    void sampleRates(ScheduledExecutorService timer) {
        Map<String, CompletableFuture<Map<String, Long>>> asked = new HashMap<>();
        for (Room room : rooms.rooms()) {
            asked.put(room.name(), room.videoFramesDecoded().exceptionally(closed -> null));
        }
        // A room that does not answer in time (closing, or its lane stuck) is left out of this sample
        // rather than holding up every other room's.
        timer.schedule(() -> asked.values().forEach(late -> late.complete(null)),
                RecentRates.SAMPLE_PERIOD.toMillis() * 9 / 10, TimeUnit.MILLISECONDS);
        CompletableFuture.allOf(asked.values().toArray(CompletableFuture[]::new))
                .thenRunAsync(() -> recordRates(asked), timer)
                .exceptionally(e -> {
                    log.debug("Rate sample skipped", e);
                    return null;
                });
    }

    private void recordRates(Map<String, CompletableFuture<Map<String, Long>>> framesByRoom) {
        long now = System.nanoTime();
        for (Member m : byCallId.values()) {
            CompletableFuture<Map<String, Long>> answer = framesByRoom.get(m.call.room());
            Map<String, Long> frames = answer == null ? null : answer.join();
            if (frames == null) {
                continue;
            }
            try {
                TransportStats video = m.call.transport().stats(MediaKind.VIDEO);
                // Not listed (an attendee, or between a re-INVITE's leave and add): no pictures this second.
                m.rates.sample(now, frames.getOrDefault(m.call.id(), RecentRates.UNKNOWN), video.bytesReceived(),
                        video.bytesSent());
            } catch (RuntimeException closing) {
                // the call is ending: its rates are not shown any more
            }
        }
    }

    // ---- ConferenceControl (HTTP workers) ----

    @Override
    public List<RoomView> rooms() {
        return rooms.rooms().stream().map(r -> view(r.name())).sorted(Comparator.comparing(RoomView::name)).toList();
    }

    @Override
    public Optional<RoomView> room(String name) {
        return rooms.room(name).map(r -> view(name));
    }

    private RoomView view(String room) {
        int count = (int) byCallId.values().stream().filter(m -> m.call.room().equals(room)).count();
        return new RoomView(room, mode(room), count, layoutOf(room).wireName(), locked.contains(room),
                recording.test(room));
    }

    String mode(String room) {
        McuConfig.RoomSpec spec = specs.get(room);
        return spec == null ? "meeting" : spec.mode();
    }

    private LayoutChoice layoutOf(String room) {
        LayoutChoice chosen = layouts.get(room);
        return chosen != null ? chosen : choiceOf(config.video().layout());
    }

    private static LayoutChoice choiceOf(LayoutKind kind) {
        return switch (kind) {
            case GRID -> LayoutChoice.GRID;
            case SPEAKER -> LayoutChoice.SPEAKER;
            case PRESENTER -> LayoutChoice.PRESENTER;
            case PICTURE_IN_PICTURE -> LayoutChoice.PIP;
            case CUSTOM -> LayoutChoice.CUSTOM;
        };
    }

    @Override
    public Optional<LobbyView> lobby(String name) {
        McuConfig.RoomSpec spec = specs.get(name);
        if (spec == null && (!specs.isEmpty() || (!config.rooms().autoCreate() && rooms.room(name).isEmpty()))) {
            return Optional.empty();
        }
        return Optional.of(new LobbyView(name, mode(name), spec != null && spec.pinRequired(),
                spec != null && spec.pinOptional(), locked.contains(name)));
    }

    @Override
    public Optional<List<ParticipantView>> participants(String room) {
        Optional<Room> open = rooms.room(room);
        if (open.isEmpty()) {
            return Optional.empty();
        }
        List<ParticipantView> out = new ArrayList<>();
        for (ParticipantSnapshot snapshot : open.get().participants().join()) {
            Member m = byCallId.get(snapshot.id());
            if (m != null) {
                out.add(ParticipantViews.view(m, snapshot));
            }
        }
        return Optional.of(out);
    }

    private Member find(String room, String participant) {
        Member m = byId.get(participant);
        return m != null && m.call.room().equals(room) ? m : null;
    }

    private Result check(String room, String participant) {
        if (rooms.room(room).isEmpty()) {
            return Result.NO_SUCH_ROOM;
        }
        return find(room, participant) == null ? Result.NO_SUCH_PARTICIPANT : Result.DONE;
    }

    @Override
    public Result mute(String room, String participant, Boolean audio, Boolean video) {
        return onRoom(room, participant, (r, m) -> r.mute(m.call.id(), audio, video).join().isPresent());
    }

    /** Runs a room command for one participant; the room says whether the participant was still there. */
    private Result onRoom(String room, String participant, java.util.function.BiPredicate<Room, Member> command) {
        Optional<Room> open = rooms.room(room);
        if (open.isEmpty()) {
            return Result.NO_SUCH_ROOM;
        }
        Member m = find(room, participant);
        if (m == null) {
            return Result.NO_SUCH_PARTICIPANT;
        }
        return command.test(open.get(), m) ? Result.DONE : Result.NO_SUCH_PARTICIPANT;
    }

    @Override
    public Result raiseHand(String room, String participant, boolean raised) {
        Result found = check(room, participant);
        if (found == Result.DONE) {
            Member m = find(room, participant);
            m.handRaised = raised;
            events.publish(McuEvent.of("participant.hand", room, m.id, Map.of("raised", raised)));
        }
        return found;
    }

    /**
     * Changes the role in the room; crossing the attendee line also changes the call: a SIP
     * attendee's recvonly call gets a re-INVITE making it sendrecv when promoted (and back when
     * demoted), and a promoted one hears the live cue once it is through.
     */
    @Override
    public Result setRole(String room, String participant, Role role) {
        return onRoom(room, participant, (r, m) -> {
            boolean wasAttendee = m.role == Role.ATTENDEE;
            if (r.setRole(m.call.id(), toRoom(role)).join().isEmpty()) {
                return false;
            }
            boolean attendee = role == Role.ATTENDEE;
            if (wasAttendee && !attendee && m.handRaised) {
                // The hand asked for the floor and got it: a host's list of hands shows who still waits.
                m.handRaised = false;
                events.publish(McuEvent.of("participant.hand", room, m.id, Map.of("raised", false)));
            }
            if (wasAttendee != attendee) {
                // Set before the re-INVITE goes out: its answer can come back (updated) before setViewOnly returns.
                m.announceLive.set(!attendee);
                boolean reInvited = m.call.setViewOnly(attendee);
                if (!attendee && !reInvited && m.announceLive.compareAndSet(true, false)) {
                    r.playLiveTone(m.call.id());
                }
            }
            return true;
        });
    }

    /** A call's re-INVITE went through: a promoted attendee now sends, and hears that it is live. */
    void updated(Call call, Room room) {
        Member m = byCallId.get(call.id());
        if (m != null && m.role != Role.ATTENDEE && m.announceLive.compareAndSet(true, false)) {
            room.playLiveTone(call.id());
        }
    }

    @Override
    public Result kick(String room, String participant) {
        Result found = check(room, participant);
        if (found == Result.DONE) {
            Member m = find(room, participant);
            log.info("Room {}: {} removed by the operator", room, m.name);
            end(m, "kicked");
        }
        return found;
    }

    @Override
    public Result setLayout(String room, LayoutChoice kind, String focus) {
        Optional<Room> open = rooms.room(room);
        if (open.isEmpty()) {
            return Result.NO_SUCH_ROOM;
        }
        String focusCallId = null;
        if (focus != null) {
            Member m = find(room, focus);
            if (m == null) {
                return Result.NO_SUCH_PARTICIPANT;
            }
            focusCallId = m.call.id();
        }
        LayoutKind layoutKind = switch (kind) {
            case GRID -> LayoutKind.GRID;
            case SPEAKER -> LayoutKind.SPEAKER;
            case PRESENTER -> LayoutKind.PRESENTER;
            case PIP -> LayoutKind.PICTURE_IN_PICTURE;
            case CUSTOM -> LayoutKind.CUSTOM;
        };
        try {
            open.get().setLayout(layoutKind, focusCallId);
        } catch (IllegalArgumentException noCustomTiles) {
            throw new HttpError(409, "no custom layout is configured: set video.customLayoutFile first");
        }
        layouts.put(room, kind);
        return Result.DONE;
    }

    @Override
    public Result lock(String room, boolean lock) {
        if (rooms.room(room).isEmpty() && !specs.containsKey(room)) {
            return Result.NO_SUCH_ROOM;
        }
        boolean changed = lock ? locked.add(room) : locked.remove(room);
        if (changed) {
            log.info("Room {} {}", room, lock ? "locked: new callers are refused" : "unlocked");
            events.publish(McuEvent.of("room.locked", room, null, Map.of("locked", lock)));
        }
        return Result.DONE;
    }

    @Override
    public Result end(String room) {
        if (rooms.room(room).isEmpty()) {
            return Result.NO_SUCH_ROOM;
        }
        log.info("Room {} ended by the operator: hanging everybody up", room);
        for (Member m : byCallId.values()) {
            if (m.call.room().equals(room)) {
                end(m, "room-ended");
            }
        }
        return Result.DONE;
    }

    /** Participants by role and transport, for the metrics. */
    List<Member> members() {
        return List.copyOf(byCallId.values());
    }

    static String displayName(Call call) {
        String display = call.joinRequest().callerDisplayName();
        if (display != null && !display.isBlank()) {
            return display.length() > 64 ? display.substring(0, 64) : display;
        }
        String uri = call.joinRequest().callerUri();
        int colon = uri.indexOf(':');
        int at = uri.indexOf('@');
        String user = at > colon && colon >= 0 ? uri.substring(colon + 1, at) : uri;
        return user.isBlank() ? "guest" : (user.length() > 64 ? user.substring(0, 64) : user);
    }
}
