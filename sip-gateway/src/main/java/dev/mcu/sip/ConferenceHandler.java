package dev.mcu.sip;

/**
 * What the SIP layer asks of the application (rooms live there). {@link #admit} is called on the
 * INVITE worker; the other methods on the call-events executor, each call's events one at a time
 * and in order (see {@link SipExecutors}). Implementations must return quickly and must not call
 * back into {@link Call} methods that wait for the network while holding their own locks.
 *
 * <p>Life of a call: {@link #admit}; an ACCEPT reserves the caller's place (it counts against the
 * limits from then on). Then exactly one of: {@link #onCallAbandoned} when the call never gets
 * going (CANCEL, no codec in common, no media port, no ACK, a hang-up before the ACK), or
 * {@link #onCallStarted} when the caller's ACK arrives, any number of {@link #onCallUpdated}, and
 * one {@link #onCallEnded}. {@code onCallEnded} never runs before {@code onCallStarted} has returned.
 */
public interface ConferenceHandler {

    /** May the caller in? An ACCEPT holds a place until {@link #onCallAbandoned} or {@link #onCallEnded}. */
    Admission admit(JoinRequest request);

    /** An admitted call that never started: free its place. Called once, instead of start and end. */
    void onCallAbandoned(JoinRequest request, String reason);

    /** The call is up: media flows through {@link Call#transport()}. */
    void onCallStarted(Call call);

    /** A re-INVITE changed the call (hold, resume, new port or codec); the transport is reconfigured. */
    void onCallUpdated(Call call);

    /** The call is over; its transport is already closed. */
    void onCallEnded(Call call, String reason);
}
