package dev.mcu.sip.testing;

import dev.mcu.sip.SipExecutors;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/** The two pools a SIP server borrows, for a test that runs one; close after the server. */
public final class TestSipExecutors implements AutoCloseable {
    private final ExecutorService inviteWorker = Executors.newFixedThreadPool(2);
    private final ExecutorService callEvents = Executors.newFixedThreadPool(2);

    public SipExecutors executors() {
        return new SipExecutors(inviteWorker, callEvents);
    }

    @Override
    public void close() {
        inviteWorker.shutdownNow();
        callEvents.shutdownNow();
    }
}
