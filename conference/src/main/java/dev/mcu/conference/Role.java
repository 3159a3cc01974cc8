package dev.mcu.conference;

/**
 * What a participant may do in a room. Hosts and speakers are seen and heard; an attendee only
 * receives the room's program: nothing it sends is decoded, mixed or shown (the webinar work will
 * refine what an attendee hears and sees). Immutable.
 */
public enum Role {
    HOST,
    SPEAKER,
    ATTENDEE;

    /** Whether what a participant in this role sends reaches the room. */
    public boolean isSeenAndHeard() {
        return this != ATTENDEE;
    }
}
