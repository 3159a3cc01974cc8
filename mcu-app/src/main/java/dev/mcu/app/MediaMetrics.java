package dev.mcu.app;

import dev.mcu.conference.MediaTimings;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * The rooms' media timings as Micrometer timers with Prometheus histogram buckets: video decode,
 * composite and encode, the audio round's mix time and its lateness; and counters of decode-queue
 * overflows, keyframes sent and output layer switches. Recording is {@code Timer.record(long, TimeUnit)} and
 * {@code Counter.increment()}: no allocation on the media threads.
 *
 * <p>Threads: called on the decode pool, the encode pool, the rooms' lanes and the media I/O
 * threads; Micrometer's meters are thread-safe.
 */
final class MediaMetrics implements MediaTimings {
    private final Timer decode;
    private final Timer composite;
    private final Timer encode;
    private final Timer mixRound;
    private final Timer lateness;
    private final Counter overflows;
    private final Counter keyframes;
    private final Counter layerSwitches;

    MediaMetrics(MeterRegistry registry) {
        decode = timer(registry, "mcu.video.decode", "Decoding one incoming video frame", Duration.ofMillis(50));
        composite = timer(registry, "mcu.video.composite", "Compositing one room canvas", Duration.ofMillis(50));
        encode = timer(registry, "mcu.video.encode", "Encoding and sending one canvas for one output profile",
                Duration.ofMillis(100));
        mixRound = timer(registry, "mcu.audio.round", "One 20 ms audio round: mix, encode and send", Duration.ofMillis(20));
        lateness = timer(registry, "mcu.audio.round.lateness", "How late an audio round started after its due time",
                Duration.ofMillis(100));
        overflows = Counter.builder("mcu.decode.queue.overflows")
                .description("Incoming packets dropped because their stream's decode queue was full").register(registry);
        keyframes = Counter.builder("mcu.video.keyframes.sent")
                .description("Keyframes encoded and sent (periodic, and asked for by PLI, FIR or a join)").register(registry);
        layerSwitches = Counter.builder("mcu.video.layer.switches")
                .description("Receivers moved to another layer of the output ladder (at its keyframe)").register(registry);
    }

    private static Timer timer(MeterRegistry registry, String name, String description, Duration max) {
        return Timer.builder(name).description(description).publishPercentileHistogram()
                .minimumExpectedValue(Duration.ofMillis(1).dividedBy(10)).maximumExpectedValue(max)
                .register(registry);
    }

    @Override
    public void videoDecoded(long nanos) {
        decode.record(nanos, TimeUnit.NANOSECONDS);
    }

    @Override
    public void videoComposited(long nanos) {
        composite.record(nanos, TimeUnit.NANOSECONDS);
    }

    @Override
    public void videoEncoded(long nanos) {
        encode.record(nanos, TimeUnit.NANOSECONDS);
    }

    @Override
    public void audioRoundMixed(long nanos) {
        mixRound.record(nanos, TimeUnit.NANOSECONDS);
    }

    @Override
    public void audioRoundLate(long nanos) {
        lateness.record(nanos, TimeUnit.NANOSECONDS);
    }

    @Override
    public void decodeQueueOverflowed() {
        overflows.increment();
    }

    @Override
    public void keyframeSent() {
        keyframes.increment();
    }

    @Override
    public void videoLayerSwitched() {
        layerSwitches.increment();
    }
}
