package dev.mcu.sip;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * The 2xx answers to INVITEs that JAIN-SIP is sending right now, by Call-ID, so their ACKs wait until
 * the send has finished. On loopback or a LAN the ACK arrives a tenth of a millisecond after the 2xx
 * leaves, while {@code ServerTransaction.sendResponse} is still setting up the dialog's retransmission
 * behind the send; an ACK handled in that window is lost to the dialog, which then resends its 2xx
 * every T1 until the phone's next ACK (sipp counted a third of all 200 OKs resent at 10 calls/s). The
 * wait is bounded, so a stuck sender cannot hold a receiving thread for long.
 *
 * <p>Threads: {@link #sending}/{@link #sent} on whichever thread answers an INVITE; {@link #awaitSent}
 * on JAIN-SIP's receiving threads (the {@link SipGuardValve}).
 */
final class AnswersInFlight {
    /** Far below T1 (500 ms): the send itself takes microseconds. */
    private static final long MAX_WAIT_MILLIS = 100;

    private final Map<String, CountDownLatch> sending = new ConcurrentHashMap<>();

    /** A 2xx for {@code callId} is about to be sent. */
    void sending(String callId) {
        sending.put(callId, new CountDownLatch(1));
    }

    /** The send returned (or failed). */
    void sent(String callId) {
        CountDownLatch latch = sending.remove(callId);
        if (latch != null) {
            latch.countDown();
        }
    }

    /** Waits, briefly, while a 2xx for {@code callId} is still being sent. */
    void awaitSent(String callId) {
        CountDownLatch latch = callId == null ? null : sending.get(callId);
        if (latch == null) {
            return;
        }
        try {
            latch.await(MAX_WAIT_MILLIS, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
