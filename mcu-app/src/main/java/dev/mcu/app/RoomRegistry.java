package dev.mcu.app;

import dev.mcu.conference.RoomEvents;
import dev.mcu.conference.MediaClock;
import dev.mcu.conference.Room;
import dev.mcu.sip.Admission;
import dev.mcu.sip.Call;
import dev.mcu.sip.JoinRequest;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The rooms of this server and who may enter them. Rooms listed in the configuration always exist
 * (each with its optional PIN) and other names get 404; with no list, a room is created on its
 * first dial-in and closed when the last participant leaves.
 *
 * <p>A call holds its place from the moment {@link #admit} lets it in, so a burst of INVITEs cannot
 * pass {@code rooms.maxCalls} or {@code rooms.maxParticipants} before their ACKs; the place is given
 * back by {@link #abandon} (the call never started) or {@link #leave}. {@link #join} only seats a
 * call that still holds its place: one that already ended is hung up, never added.
 *
 * <p>Threads: {@link #admit} on the SIP INVITE worker, and {@link #abandon} there too when a call is
 * refused after admission; the rest on the SIP call-events executor (each call's events in order); membership changes are serialized by this object's lock, which is never
 * held while a room does media work (room methods only enqueue onto their clock).
 */
final class RoomRegistry implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(RoomRegistry.class);
    static final int RETRY_AFTER_SECONDS = 30;

    private final McuConfig config;
    private final MediaClock clock;                              // borrowed: time, lanes and pools of every room
    private final Map<String, String> configuredPins = new HashMap<>();
    private final Map<String, Room> rooms = new HashMap<>();      // guarded by this; owned: closed here
    /** Every admitted call not yet abandoned or left, seated or not: what the limits count. */
    private final Map<String, String> roomOfCall = new HashMap<>(); // guarded by this
    private boolean closed;

    private final RoomEvents events;

    RoomRegistry(McuConfig config, MediaClock clock, RoomEvents events) {
        this.config = config;
        this.events = events;
        this.clock = clock;
        for (McuConfig.RoomSpec spec : config.rooms().list()) {
            configuredPins.put(spec.name(), spec.pin());
        }
    }

    private boolean roomsAreListed() {
        return !configuredPins.isEmpty();
    }

    synchronized Admission admit(JoinRequest request) {
        if (closed) {
            return Admission.busy(RETRY_AFTER_SECONDS, "the server is shutting down");
        }
        String room = request.room();
        if (room == null || room.isBlank()) {
            return Admission.notFound("no room named in the Request-URI (dial sip:ROOM@host)");
        }
        if (roomsAreListed() && !configuredPins.containsKey(room)) {
            return Admission.notFound("room '" + room + "' is not configured on this server");
        }
        if (!roomsAreListed() && !config.rooms().autoCreate()) {
            return Admission.notFound("room '" + room + "' does not exist and rooms.autoCreate is off");
        }
        String pin = configuredPins.get(room);
        if (pin != null && !pin.equals(request.pin().orElse(null))) {
            return Admission.forbidden(request.pin().isPresent() ? "wrong PIN for room '" + room + "'"
                    : "room '" + room + "' needs a PIN (dial sip:" + room + "*PIN@host)");
        }
        if (roomOfCall.size() >= config.rooms().maxCalls()) {
            return Admission.busy(RETRY_AFTER_SECONDS, "the server is at its limit of "
                    + config.rooms().maxCalls() + " calls (rooms.maxCalls)");
        }
        long inRoom = roomOfCall.values().stream().filter(room::equals).count();
        if (inRoom >= config.rooms().maxParticipants()) {
            return Admission.busy(RETRY_AFTER_SECONDS, "room '" + room + "' is full ("
                    + config.rooms().maxParticipants() + " participants, rooms.maxParticipants)");
        }
        roomOfCall.put(request.callId(), room);
        return Admission.accept();
    }

    /**
     * An admitted call that never started gives its place back. It never joined its room, so
     * there is nothing to take out of it: this runs on the INVITE worker (a refusal after
     * admission), which must not wait for a busy room's audio lane.
     */
    void abandon(JoinRequest request) {
        release(request.callId(), false);
    }

    /** @param member the call as its room sees it: name and role chosen by the caller */
    void join(SipMember member) {
        Call call = member.call();
        Room room;
        synchronized (this) {
            if (closed) {
                call.hangup();
                return;
            }
            if (!call.room().equals(roomOfCall.get(call.id()))) {
                log.warn("Call from {} for room {} started after it had ended; hanging it up", call.joinRequest().caller(),
                        call.room());
                call.hangup();
                return;
            }
            room = rooms.computeIfAbsent(call.room(), name -> {
                log.info("Room {} opened", name);
                return new Room(name, config.video(), config.audio().maxSpeakers(), clock, events,
                        config.webinar().promotedStartMuted());
            });
        }
        room.join(member);
    }

    void update(SipMember member) {
        Call call = member.call();
        Room room;
        synchronized (this) {
            room = rooms.get(roomOfCall.get(call.id()));
        }
        if (room != null) {
            room.update(member);
        }
    }

    void leave(Call call) {
        release(call.id(), true);
    }

    /**
     * Frees a call's place and seat; closes its room when nobody else holds a place there.
     *
     * @param joined whether the call may be in the room (then it is taken out, and waited for)
     */
    private void release(String callId, boolean joined) {
        Room room;
        boolean empty;
        synchronized (this) {
            String name = roomOfCall.remove(callId);
            room = name == null ? null : rooms.get(name);
            if (room == null) {
                return;
            }
            empty = !roomOfCall.containsValue(name) && !configuredPins.containsKey(name);
            if (empty) {
                rooms.remove(name);
            }
        }
        if (joined) {
            room.leave(callId).join();
        }
        if (empty) {
            room.close();
            log.info("Room {} closed (the last participant left)", room.name());
        }
    }

    synchronized Optional<Room> room(String name) {
        return Optional.ofNullable(rooms.get(name));
    }

    /** The PIN a configured room asks for, if any. */
    synchronized Optional<String> pinOf(String name) {
        return Optional.ofNullable(configuredPins.get(name));
    }

    synchronized List<Room> rooms() {
        return List.copyOf(rooms.values());
    }

    @Override
    public void close() {
        List<Room> toClose;
        synchronized (this) {
            closed = true;
            toClose = List.copyOf(rooms.values());
            rooms.clear();
            roomOfCall.clear();
        }
        for (Room room : toClose) {
            room.close();
        }
    }
}
