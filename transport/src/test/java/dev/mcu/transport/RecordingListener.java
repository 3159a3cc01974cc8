package dev.mcu.transport;

import dev.mcu.media.MediaKind;
import dev.mcu.media.rtp.RtpPacket;

import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;

import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.fail;

/** Records what a transport reports, for tests to wait on. */
final class RecordingListener implements MediaListener {
    final BlockingQueue<RtpPacket> rtp = new LinkedBlockingQueue<>();
    final BlockingQueue<Character> digits = new LinkedBlockingQueue<>();
    final AtomicInteger keyframeRequests = new AtomicInteger();

    @Override
    public void onRtp(MediaKind kind, RtpPacket packet) {
        rtp.add(packet);
    }

    @Override
    public void onKeyframeRequested() {
        keyframeRequests.incrementAndGet();
    }

    @Override
    public void onDtmf(char digit) {
        digits.add(digit);
    }

    RtpPacket nextRtp() throws InterruptedException {
        RtpPacket packet = rtp.poll(5, TimeUnit.SECONDS);
        assertNotNull(packet, "no RTP reached the listener within 5 s");
        return packet;
    }

    /** Polls {@code condition} until it holds, failing after 5 s. */
    static void await(String what, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                fail("timed out waiting for " + what);
            }
            Thread.sleep(5);
        }
    }
}
