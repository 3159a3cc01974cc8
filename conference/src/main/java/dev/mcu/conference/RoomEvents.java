package dev.mcu.conference;

/**
 * What happens in rooms, for the admin API and integrations. Called on the room's media clock
 * thread: implementations must return quickly and must not call back into the server.
 */
public interface RoomEvents {
    default void onTalkStarted(String room, String callId) { }

    default void onTalkStopped(String room, String callId) { }

    /** {@code callId} is null when nobody holds the floor any more. */
    default void onActiveSpeakerChanged(String room, String callId) { }

    RoomEvents NONE = new RoomEvents() { };
}
