package dev.mcu.sip;

import java.util.concurrent.Executor;

/**
 * The threads the SIP server borrows (the application creates and stops them; JAIN-SIP keeps its
 * own stack threads).
 *
 * @param inviteWorker answers initial INVITEs (admission, SDP, port allocation) off the stack's
 *                     threads; bounded: when it rejects a task the INVITE gets 503 with Retry-After
 * @param callEvents   runs every call's lifecycle events ({@link ConferenceHandler#onCallStarted} and
 *                     the rest), each call's in order on one logical thread
 */
public record SipExecutors(Executor inviteWorker, Executor callEvents) {
    public SipExecutors {
        if (inviteWorker == null || callEvents == null) {
            throw new IllegalArgumentException("the SIP server needs both an INVITE worker and a call-events executor");
        }
    }
}
