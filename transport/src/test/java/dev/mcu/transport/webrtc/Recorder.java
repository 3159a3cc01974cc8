package dev.mcu.transport.webrtc;

import dev.mcu.media.MediaKind;
import dev.mcu.media.rtp.RtpPacket;
import dev.mcu.transport.MediaListener;

import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;

import static org.junit.jupiter.api.Assertions.fail;

/** Records what a transport reports upward, for tests to wait on. */
public final class Recorder implements MediaListener {
    public record Received(MediaKind kind, RtpPacket packet) {
    }

    public final BlockingQueue<Received> rtp = new LinkedBlockingQueue<>();
    public final AtomicInteger keyframeRequests = new AtomicInteger();

    @Override
    public void onRtp(MediaKind kind, RtpPacket packet) {
        rtp.add(new Received(kind, packet));
    }

    @Override
    public void onKeyframeRequested() {
        keyframeRequests.incrementAndGet();
    }

    @Override
    public void onDtmf(char digit) {
    }

    public Received next() throws InterruptedException {
        Received r = rtp.poll(5, TimeUnit.SECONDS);
        if (r == null) {
            fail("no RTP reached the listener within 5 s");
        }
        return r;
    }

    /** Polls {@code condition} until it holds, failing after 5 s. */
    public static void await(String what, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                fail("timed out waiting for " + what);
            }
            Thread.sleep(5);
        }
    }
}
