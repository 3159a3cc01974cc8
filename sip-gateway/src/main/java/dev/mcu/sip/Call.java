package dev.mcu.sip;

import dev.mcu.media.NegotiatedStream;
import dev.mcu.transport.MediaListener;
import dev.mcu.transport.MediaTransport;

import java.util.List;

/** One participant's SIP call, as the application sees it. Thread-safe. */
public interface Call {

    /** The SIP Call-ID. */
    String id();

    String room();

    JoinRequest joinRequest();

    /** What the current offer/answer agreed; changes on re-INVITE. */
    List<NegotiatedStream> streams();

    /** Owned by the call: closed when the call ends. Configured from the SDP by the SIP layer. */
    MediaTransport transport();

    /**
     * Where this call's media events go: sets the transport's listener, and routes SIP INFO
     * picture_fast_update to {@link MediaListener#onKeyframeRequested()} and INFO dtmf-relay to
     * {@link MediaListener#onDtmf(char)} on the same listener.
     */
    void setMediaListener(MediaListener listener);

    /**
     * Stops taking the caller's media (true: a view-only attendee, every stream sendonly on our side)
     * or takes it again (false), with a re-INVITE; {@code onCallUpdated} follows the phone's answer.
     * Does nothing when already so.
     *
     * @return true when a re-INVITE was sent or is queued behind one in flight
     */
    default boolean setViewOnly(boolean viewOnly) {
        return false;
    }

    /** Ends the call from our side (sends BYE). Does nothing when the call is already over. */
    void hangup();
}
