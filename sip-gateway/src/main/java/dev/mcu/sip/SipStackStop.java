package dev.mcu.sip;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.sip.ListeningPoint;
import javax.sip.SipListener;
import javax.sip.SipProvider;
import javax.sip.SipStack;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * Stops a JAIN-SIP stack without the blind pause its own stop takes. JAIN-SIP 1.3.0-91's
 * {@code SIPTransactionStack.stopStack} closes its sockets, stops its timer, then sleeps one second
 * "to let the processing complete" before it clears its transaction and dialog tables; and
 * {@code deleteSipProvider} on a stack's last provider runs that same {@code stopStack}, so the
 * usual close (delete the provider, then {@code stop()}) slept twice. What the pause waits for is
 * the stack's threads still handling a message they read before the sockets closed; the only ones
 * that matter to us are those inside our listener. So this waits for exactly that, observably, and
 * cuts the pause short by interrupting itself just before it (the steps ahead of the sleep only
 * close sockets and stop executors, which an interrupt does not disturb; the sleep's catch clears
 * the flag, and a flag the caller had set is put back).
 *
 * <p>Threads: whoever closes the server, never a stack thread (it would wait for itself).
 */
public final class SipStackStop {
    private static final Logger log = LoggerFactory.getLogger(SipStackStop.class);
    /** As long as JAIN-SIP's own pause: a listener still busy after this is stopped under it. */
    private static final long LISTENER_GRACE_NANOS = TimeUnit.SECONDS.toNanos(1);

    private SipStackStop() {
    }

    /**
     * Takes {@code listener} off {@code provider} (no event reaches it after this), closes every
     * listening point (sockets and their reader threads), waits until {@code listenerIdle} says no
     * stack thread is inside the listener (a second at most), then stops the stack.
     *
     * @param provider     the stack's provider, or null when it was never made (a failed start)
     * @param listener     registered on {@code provider}, or null
     * @param listenerIdle true when no stack thread is handling an event in {@code listener}
     */
    public static void stop(SipStack stack, SipProvider provider, SipListener listener, BooleanSupplier listenerIdle) {
        if (provider != null) {
            if (listener != null) {
                provider.removeSipListener(listener);
            }
            for (ListeningPoint lp : provider.getListeningPoints()) {
                try {
                    provider.removeListeningPoint(lp);
                    stack.deleteListeningPoint(lp);
                } catch (Exception e) {
                    // in use (a TCP connection still open): stop() below closes it with the rest
                    log.debug("while closing the SIP listening point {}: {}", lp.getTransport(), e.toString());
                }
            }
        }
        // Not deleteSipProvider: on the last provider it runs stopStack, and stop() below runs it again.
        long deadline = System.nanoTime() + LISTENER_GRACE_NANOS;
        while (!listenerIdle.getAsBoolean() && System.nanoTime() < deadline) {
            java.util.concurrent.locks.LockSupport.parkNanos(1_000_000);
        }
        boolean callerInterrupted = Thread.interrupted();
        Thread.currentThread().interrupt(); // ends stopStack's Thread.sleep(1000) at once
        try {
            stack.stop();
        } finally {
            Thread.interrupted(); // in case a JAIN-SIP version without the sleep left the flag set
            if (callerInterrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
