package dev.mcu.sip;

/**
 * What the SIP layer asks of the application (rooms live there). Called on SIP threads, one call at
 * a time per call: implementations must return quickly and must not call back into {@link Call}
 * methods that wait for the network while holding their own locks.
 *
 * <p>Life of a call: {@link #admit} (nothing may be reserved yet: the call can still fail on codecs
 * or ports), then {@link #onCallStarted} when the caller's ACK arrives, any number of
 * {@link #onCallUpdated}, and exactly one {@link #onCallEnded} for every started call.
 */
public interface ConferenceHandler {

    Admission admit(JoinRequest request);

    /** The call is up: media flows through {@link Call#transport()}. */
    void onCallStarted(Call call);

    /** A re-INVITE changed the call (hold, resume, new port or codec); the transport is reconfigured. */
    void onCallUpdated(Call call);

    /** The call is over; its transport is already closed. */
    void onCallEnded(Call call, String reason);
}
