package dev.mcu.app;

import dev.mcu.app.api.Role;
import dev.mcu.sip.JoinRequest;

import java.net.InetAddress;
import java.time.Clock;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Which role the PIN a caller dialled gives, for rooms of {@code rooms.list}: {@code hostPin} a
 * host, {@code speakerPin} a speaker, {@code pin} (or nothing, when the room has no {@code pin})
 * an attendee in a webinar and a speaker in a meeting. Wrong PINs are limited per source address
 * and room: after {@link #MAX_FAILURES} in {@link #WINDOW_MILLIS}, every attempt is refused until
 * the window passes. PINs are never logged or kept.
 *
 * <p>Threads: called from SIP threads; synchronized (a few map operations per call attempt).
 */
final class PinGate {
    static final int MAX_FAILURES = 5;
    static final long WINDOW_MILLIS = 60_000;
    /** Bounds the failure table against a caller cycling source addresses or room names. */
    private static final int MAX_TRACKED = 10_000;

    /** The verdict: a role, or why not (the words are the SIP reason phrase the page shows). */
    record Verdict(Role role, String refusal) {
        static Verdict admit(Role role) {
            return new Verdict(role, null);
        }

        static Verdict refuse(String why) {
            return new Verdict(null, why);
        }
    }

    private record Key(InetAddress source, String room) {
    }

    private final Map<String, McuConfig.RoomSpec> specs = new LinkedHashMap<>();
    private final Clock clock;
    private final Map<Key, Deque<Long>> failures = new LinkedHashMap<>(16, 0.75f, true);
    private final AtomicLong refusedWrongPin = new AtomicLong();
    private final AtomicLong refusedRateLimited = new AtomicLong();

    PinGate(McuConfig config, Clock clock) {
        for (McuConfig.RoomSpec spec : config.rooms().list()) {
            specs.put(spec.name(), spec);
        }
        this.clock = clock;
    }

    synchronized Verdict check(JoinRequest request) {
        McuConfig.RoomSpec spec = specs.get(request.room());
        if (spec == null) {
            return Verdict.admit(Role.SPEAKER);   // unlisted (auto-created) rooms are meetings without PINs
        }
        Key key = new Key(request.signallingSource(), request.room());
        long now = clock.millis();
        Deque<Long> recent = failures.get(key);
        if (recent != null) {
            while (!recent.isEmpty() && now - recent.peekFirst() >= WINDOW_MILLIS) {
                recent.pollFirst();
            }
            if (recent.size() >= MAX_FAILURES) {
                refusedRateLimited.incrementAndGet();
                return Verdict.refuse("Too many PIN attempts");
            }
        }
        Optional<Role> role = roleOf(spec, request.pin());
        if (role.isPresent()) {
            return Verdict.admit(role.get());
        }
        if (request.pin().isEmpty()) {
            return Verdict.refuse("PIN required");
        }
        fail(key, now);
        return Verdict.refuse("Wrong PIN");
    }

    /** The role a call that was admitted has, from the PIN it dialled. */
    Role roleOf(JoinRequest request) {
        McuConfig.RoomSpec spec = specs.get(request.room());
        return spec == null ? Role.SPEAKER : roleOf(spec, request.pin()).orElse(Role.ATTENDEE);
    }

    private static Optional<Role> roleOf(McuConfig.RoomSpec spec, Optional<String> pin) {
        Role regular = spec.mode().equals("webinar") ? Role.ATTENDEE : Role.SPEAKER;
        if (pin.isEmpty()) {
            return spec.pinRequired() ? Optional.empty() : Optional.of(regular);
        }
        if (pin.get().equals(spec.hostPin())) {
            return Optional.of(Role.HOST);
        }
        if (pin.get().equals(spec.speakerPin())) {
            return Optional.of(Role.SPEAKER);
        }
        if (pin.get().equals(spec.pin()) || (spec.pin() == null && !spec.pinRequired())) {
            return pin.get().equals(spec.pin()) ? Optional.of(regular) : Optional.empty();
        }
        return Optional.empty();
    }

    private void fail(Key key, long now) {
        refusedWrongPin.incrementAndGet();
        failures.computeIfAbsent(key, k -> new ArrayDeque<>()).addLast(now);
        if (failures.size() > MAX_TRACKED) {
            failures.remove(failures.keySet().iterator().next());
        }
    }

    /** Whether {@code room} is a listed webinar (its regular PIN makes attendees). */
    boolean isWebinar(String room) {
        McuConfig.RoomSpec spec = room == null ? null : specs.get(room);
        return spec != null && spec.mode().equals("webinar");
    }

    /** The PIN the room's own check expects, when the caller's PIN gave a role (host and speaker PINs). */
    String roomPin(String room) {
        McuConfig.RoomSpec spec = specs.get(room);
        return spec == null ? null : spec.pin();
    }

    long refusedWrongPin() {
        return refusedWrongPin.get();
    }

    long refusedRateLimited() {
        return refusedRateLimited.get();
    }
}
