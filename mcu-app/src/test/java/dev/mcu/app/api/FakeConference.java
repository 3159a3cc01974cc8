package dev.mcu.app.api;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/** A conference in memory for the API's tests: room "board" with participants p1 and p2. Records the actions it gets. */
final class FakeConference implements ConferenceControl {
    final List<String> actions = new ArrayList<>();
    final Map<String, Boolean> locked = new ConcurrentHashMap<>();

    private static ParticipantView participant(String id, String name, String role) {
        return new ParticipantView(id, name, role, "udp",
                new ParticipantView.Audio("opus", false, 0.5, true, 100, 90, 0, 2.5),
                new ParticipantView.Video("VP8", false, true, 25, 800, 1200, "1280x720"), false, "2026-12-04T23:00:00Z");
    }

    private boolean open(String room) {
        return room.equals("board");
    }

    private Result target(String room, String participant) {
        if (!open(room)) {
            return Result.NO_SUCH_ROOM;
        }
        return participant.equals("p1") || participant.equals("p2") ? Result.DONE : Result.NO_SUCH_PARTICIPANT;
    }

    @Override
    public List<RoomView> rooms() {
        return List.of(room("board").orElseThrow());
    }

    @Override
    public Optional<RoomView> room(String name) {
        return open(name) ? Optional.of(new RoomView("board", "meeting", 2, "grid", locked.getOrDefault(name, false), false))
                : Optional.empty();
    }

    @Override
    public Optional<LobbyView> lobby(String name) {
        return open(name) ? Optional.of(new LobbyView(name, "meeting", true, false, false)) : Optional.empty();
    }

    @Override
    public Optional<List<ParticipantView>> participants(String room) {
        return open(room) ? Optional.of(List.of(participant("p1", "Alice", "host"), participant("p2", "Bob", "speaker")))
                : Optional.empty();
    }

    private synchronized Result record(Result result, String action) {
        if (result == Result.DONE) {
            actions.add(action);
        }
        return result;
    }

    @Override
    public Result mute(String room, String participant, Boolean audio, Boolean video) {
        return record(target(room, participant), "mute " + participant + " audio=" + audio + " video=" + video);
    }

    @Override
    public Result raiseHand(String room, String participant, boolean raised) {
        return record(target(room, participant), "hand " + participant + " " + raised);
    }

    @Override
    public Result setRole(String room, String participant, Role role) {
        return record(target(room, participant), "role " + participant + " " + role.wireName());
    }

    @Override
    public Result kick(String room, String participant) {
        return record(target(room, participant), "kick " + participant);
    }

    @Override
    public Result setLayout(String room, LayoutChoice kind, String focus) {
        if (!open(room)) {
            return Result.NO_SUCH_ROOM;
        }
        if (focus != null && target(room, focus) != Result.DONE) {
            return Result.NO_SUCH_PARTICIPANT;
        }
        return record(Result.DONE, "layout " + kind.wireName() + " focus=" + focus);
    }

    @Override
    public Result lock(String room, boolean lock) {
        if (!open(room)) {
            return Result.NO_SUCH_ROOM;
        }
        locked.put(room, lock);
        return record(Result.DONE, (lock ? "lock " : "unlock ") + room);
    }

    @Override
    public Result end(String room) {
        return record(open(room) ? Result.DONE : Result.NO_SUCH_ROOM, "end " + room);
    }
}
