package dev.mcu.app;

import dev.mcu.app.testing.Await;
import dev.mcu.app.testing.ResourceSample;
import dev.mcu.app.testing.SyntheticParticipant;
import dev.mcu.app.testing.TestServers;
import dev.mcu.media.Codec;
import dev.mcu.media.MediaKind;
import dev.mcu.sip.Call;
import dev.mcu.sip.testing.PhoneResponse;
import dev.mcu.sip.testing.SipTestPhone;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A phone joins a room and leaves, two hundred times, and the server must end up where it began:
 * no room, no call, and no growth in native memory or threads between the warm-up (cycle 20) and
 * the end. Every cycle opens and closes a whole room (its clock, compositor, encoders) and a call's
 * transport and codecs, so a leak of any of them adds up. Video comes every other cycle, audio in
 * every cycle. The measurements are printed for the record (the resident set is read from
 * /proc/self/smaps, the Java heap's part of it apart).
 */
class JoinLeaveResourceTest {
    private static final int CYCLES = 200;
    private static final int WARM_CYCLE = 20;
    private static final long MAX_TRACKED_NATIVE_GROWTH = 32L << 20;
    private static final long MAX_RESIDENT_GROWTH = 150L << 20;
    private static final long MAX_HEAP_USED_GROWTH = 32L << 20;
    private static final int MAX_THREAD_GROWTH = 20;
    private static final int[] ORANGE = {140, 60, 190};

    @Test
    void twoHundredJoinsAndLeavesLeaveNoRoomsCallsNativeMemoryOrThreadsBehind() throws Exception {
        ExecutorService closer = Executors.newSingleThreadExecutor(); // closes each cycle's phone off the clock
        List<ResourceSample> samples = new ArrayList<>();
        ResourceSample warm;
        ResourceSample end;
        try (McuServer server = TestServers.start();
             SipTestPhone phone = new SipTestPhone("127.0.0.1", server.config().sip().port(), "udp", "churn")) {
            for (int cycle = 1; cycle <= CYCLES; cycle++) {
                boolean withVideo = cycle % 2 == 1;
                SyntheticParticipant person = new SyntheticParticipant("churn" + cycle, Codec.OPUS,
                        withVideo ? Codec.H264 : null, 1, ORANGE, 500);
                try {
                    SipTestPhone.Outgoing call = phone.invite("churn", person.offer());
                    PhoneResponse answer = call.awaitFinal();
                    assertEquals(200, answer.status(), "cycle " + cycle + ": not let in: " + answer.reason());
                    call.ack();
                    person.start(answer.body());
                    int thisCycle = cycle;
                    Await.until(Duration.ofSeconds(10), () -> mediaArrived(server, withVideo),
                            () -> "cycle " + thisCycle + ": the server never showed the participant with media: "
                                    + server.roomSnapshot("churn") + " " + describeCalls(server));
                    assertEquals(200, call.bye().status(), "cycle " + cycle + ": BYE");
                    Await.until(Duration.ofSeconds(10), () -> server.calls().isEmpty() && server.openRooms().isEmpty(),
                            () -> "cycle " + thisCycle + ": still open after BYE: rooms " + server.openRooms()
                                    + ", calls " + server.calls().size());
                } finally {
                    closer.execute(() -> closeQuietly(person));
                }
                if (cycle == WARM_CYCLE || cycle % 20 == 0) {
                    drain(closer);
                    closer = Executors.newSingleThreadExecutor();
                    ResourceSample sample = ResourceSample.take(cycle);
                    samples.add(sample);
                    System.out.println("join/leave " + sample);
                }
            }
            assertTrue(server.openRooms().isEmpty(), "rooms left open: " + server.openRooms());
            assertTrue(server.calls().isEmpty(), "calls left: " + server.calls());
            warm = samples.get(0);
            ResourceSample last = samples.get(samples.size() - 1);
            System.out.println("join/leave growth from cycle " + warm.cycle() + " to " + last.cycle() + ": "
                    + last.growthSince(warm));
            // JAIN-SIP keeps a completed transaction (and through its dialog the ended call) for 64*T1 = 32 s,
            // so the last half minute of calls may still be alive at the end: give them that time to go.
            end = last;
            long settleDeadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(36);
            while (end.heapUsedBytes() - warm.heapUsedBytes() >= MAX_HEAP_USED_GROWTH / 2
                    && System.nanoTime() < settleDeadline) {
                Thread.sleep(4000);
                end = ResourceSample.take(CYCLES);
            }
            if (end != last) {
                System.out.println("join/leave after the SIP stack let go of ended calls: " + end + "; growth from cycle "
                        + warm.cycle() + ": " + end.growthSince(warm));
            }
        } finally {
            drain(closer);
        }
        assertTrue(end.trackedNativeBytes() - warm.trackedNativeBytes() < MAX_TRACKED_NATIVE_GROWTH,
                "JavaCPP-tracked native memory grew: " + end.growthSince(warm));
        // The resident set also holds the Java heap, which the JVM grows as it likes under churn: the heap's
        // own growth is checked through the live objects instead.
        assertTrue(end.residentOutsideHeapBytes() - warm.residentOutsideHeapBytes() < MAX_RESIDENT_GROWTH,
                "resident memory outside the Java heap grew: " + end.growthSince(warm));
        assertTrue(end.heapUsedBytes() - warm.heapUsedBytes() < MAX_HEAP_USED_GROWTH,
                "live Java objects grew: " + end.growthSince(warm));
        assertTrue(end.threads() - warm.threads() < MAX_THREAD_GROWTH, "threads grew: " + end.growthSince(warm));
    }

    @Test
    void closingTheServerHangsUpEveryCallWithABye() throws Exception {
        McuServer server = TestServers.start();
        boolean closed = false;
        try (SipTestPhone phone = new SipTestPhone("127.0.0.1", server.config().sip().port(), "udp", "lastone");
             SyntheticParticipant person = new SyntheticParticipant("lastone", Codec.PCMU, Codec.VP8, 0, ORANGE, 500)) {
            SipTestPhone.Outgoing call = phone.invite("closing", person.offer());
            PhoneResponse answer = call.awaitFinal();
            assertEquals(200, answer.status(), answer.reason());
            call.ack();
            person.start(answer.body());
            Await.until(Duration.ofSeconds(10), () -> mediaArrived(server, true),
                    () -> "the server never showed the participant: " + describeCalls(server));
            server.close();
            closed = true;
            assertNotNull(call.awaitByeFromServer(), "no BYE from the server within "
                    + SipTestPhone.TIMEOUT_SECONDS + " s of its close()");
            assertTrue(server.openRooms().isEmpty(), "rooms left open: " + server.openRooms());
            server.close(); // a second close (shutdown hook after a test's cleanup, say) is harmless
        } finally {
            if (!closed) {
                server.close();
            }
        }
    }

    /** One participant in a room, and its audio (and video, when sent) reached the transport. */
    private static boolean mediaArrived(McuServer server, boolean withVideo) {
        List<Call> calls = server.calls();
        if (calls.size() != 1 || server.openRooms().size() != 1) {
            return false;
        }
        Call call = calls.get(0);
        boolean inRoom = server.roomSnapshot(call.room()).map(s -> s.participants() == 1).orElse(false);
        return inRoom && call.transport().stats(MediaKind.AUDIO).packetsReceived() >= 3
                && (!withVideo || call.transport().stats(MediaKind.VIDEO).packetsReceived() >= 1);
    }

    private static String describeCalls(McuServer server) {
        StringBuilder out = new StringBuilder();
        for (Call call : server.calls()) {
            out.append(call.id()).append(" audio ").append(call.transport().stats(MediaKind.AUDIO))
                    .append(" video ").append(call.transport().stats(MediaKind.VIDEO)).append("; ");
        }
        return out.toString();
    }

    private static void closeQuietly(SyntheticParticipant person) {
        try {
            person.close();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void drain(ExecutorService closer) throws InterruptedException {
        closer.shutdown();
        assertTrue(closer.awaitTermination(60, TimeUnit.SECONDS), "test phones did not close");
    }
}
