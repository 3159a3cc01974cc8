package dev.mcu.app.api;

import java.util.List;
import java.util.Optional;

/**
 * What the REST API may see and steer in the rooms: the narrow waist between the HTTP handlers
 * and the conference, so the handlers can be tested with a fake. Every method answers at once
 * (it may wait briefly for a room's clock thread, never for the network).
 *
 * <p>Threads: called from HTTP worker threads; implementations are thread-safe.
 */
public interface ConferenceControl {

    /** The outcome of an action on a room or a participant. */
    enum Result {
        DONE,
        NO_SUCH_ROOM,
        NO_SUCH_PARTICIPANT
    }

    List<RoomView> rooms();

    Optional<RoomView> room(String name);

    /** What the pre-join page may know of a room; empty when no such room can be dialled. */
    Optional<LobbyView> lobby(String name);

    /** Empty when no such room is open. */
    Optional<List<ParticipantView>> participants(String room);

    /** @param audio null leaves audio as it is; likewise video */
    Result mute(String room, String participant, Boolean audio, Boolean video);

    Result raiseHand(String room, String participant, boolean raised);

    Result setRole(String room, String participant, Role role);

    /** Hangs the participant up (BYE, or the WebSocket closed for a browser). */
    Result kick(String room, String participant);

    /** @param focus a participant pinned to the large tile, or null to follow the speaker */
    Result setLayout(String room, LayoutChoice kind, String focus);

    Result lock(String room, boolean locked);

    /** Hangs everybody in the room up. */
    Result end(String room);
}
