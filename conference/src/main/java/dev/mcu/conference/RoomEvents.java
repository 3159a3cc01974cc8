package dev.mcu.conference;

import dev.mcu.layouts.LayoutKind;

/**
 * What happens in rooms, for the admin API and integrations. Called on the room's audio clock
 * thread: implementations must return quickly and must not call back into the server.
 */
public interface RoomEvents {
    default void onTalkStarted(String room, String callId) { }

    default void onTalkStopped(String room, String callId) { }

    /** {@code callId} is null when nobody holds the floor any more. */
    default void onActiveSpeakerChanged(String room, String callId) { }

    default void onJoined(String room, String participantId, String name, Role role) { }

    default void onLeft(String room, String participantId) { }

    default void onMuted(String room, String participantId, boolean audioMuted, boolean videoMuted) { }

    default void onRoleChanged(String room, String participantId, Role role) { }

    /** The participant pressed {@code *9}: its hand goes up, or down when it was up (the control plane keeps hands). */
    default void onHandToggled(String room, String participantId) { }

    /** {@code focusId} is null when the layout has no focus or follows the speaker. */
    default void onLayoutChanged(String room, LayoutKind kind, String focusId) { }

    RoomEvents NONE = new RoomEvents() { };
}
