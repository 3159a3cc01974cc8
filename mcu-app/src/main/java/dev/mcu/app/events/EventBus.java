package dev.mcu.app.events;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * The one place events go through: rooms and calls publish, the SSE streams and the webhook
 * sender read. {@link #publish} hands each event to every reader and returns; readers must not
 * block (they queue or drop), so a slow reader never stalls a media or SIP thread.
 *
 * <p>Threads: publish from any thread (room clocks, SIP threads); readers are called on the
 * publishing thread, in the order events are published from that thread.
 */
public final class EventBus {
    private static final Logger log = LoggerFactory.getLogger(EventBus.class);

    private final List<Consumer<McuEvent>> readers = new CopyOnWriteArrayList<>();
    private final AtomicLong published = new AtomicLong();

    public void publish(McuEvent event) {
        published.incrementAndGet();
        for (Consumer<McuEvent> reader : readers) {
            try {
                reader.accept(event);
            } catch (RuntimeException e) {
                log.warn("An event reader failed on {} (a bug; other readers still get it)", event.type(), e);
            }
        }
    }

    /** @return closing it stops the deliveries */
    public AutoCloseable subscribe(Consumer<McuEvent> reader) {
        readers.add(reader);
        return () -> readers.remove(reader);
    }

    public long published() {
        return published.get();
    }

    public int readers() {
        return readers.size();
    }
}
