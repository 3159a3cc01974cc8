package dev.mcu.app;

import io.netty.util.concurrent.EventExecutor;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Holds every {@code media-io} event loop of a server with a task waiting on a latch, as when those
 * loops are busy sending a webinar's program to thousands of attendees, and frees them however the
 * check ends. The contributors' loop ({@code media-io-contributors}) is not held. Test thread only.
 */
final class MediaIoHold {
    private MediaIoHold() {
    }

    /** What runs while the loops are held. */
    interface Check {
        void run() throws Exception;
    }

    static void whileHeld(McuServer server, Check check) throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        List<EventExecutor> loops = new ArrayList<>();
        server.threads().mediaIo().forEach(loops::add);
        CountDownLatch held = new CountDownLatch(loops.size());
        try {
            for (EventExecutor loop : loops) {
                loop.execute(() -> {
                    held.countDown();
                    try {
                        release.await(60, TimeUnit.SECONDS); // bounded: a failed test never keeps the loop
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                });
            }
            assertTrue(held.await(10, TimeUnit.SECONDS), "the media-io loops did not pick up the holding task");
            check.run();
        } finally {
            release.countDown();
        }
    }
}
