package dev.mcu.sip;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.lang.reflect.Field;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Keeps JAIN-SIP's header-name cache from growing without end. JAIN-SIP 1.3.0-91 lowercases every
 * header name it parses through {@code SIPHeaderNamesCache.toLowerCase}, which puts each name it has
 * not seen into a static map and never takes one out: a remote that sends made-up header names
 * ({@code X-1: a}, {@code X-2: a}, ...) grows the server's heap by a few hundred bytes per name, for
 * as long as the process lives (8 KiB of headers per message is ~1,000 names). Found as the heap
 * growth of {@code SipMessageFuzzTest}'s long runs.
 * <p>Whenever the map holds more than {@link #MAX_LEARNED_NAMES} names beyond the stack's own, it is
 * cut back to the stack's own. That is safe: the map's values are {@code intern()}ed, so a name
 * lowercased again is the same {@code String} as before, and the map is a {@code ConcurrentHashMap}.
 * Called after each message parse on JAIN-SIP's receiving threads (any number of them); the check is
 * a size read, the trim a pass over the map at most once per {@link #MAX_LEARNED_NAMES} new names.
 */
final class HeaderNameCacheBound {
    private static final Logger log = LoggerFactory.getLogger(HeaderNameCacheBound.class);

    /** New names kept between trims: far more than any real peer's headers, small next to a heap. */
    static final int MAX_LEARNED_NAMES = 4096;
    private static final long LOG_EVERY_NANOS = 60_000_000_000L;

    private static final Map<?, ?> CACHE = findCache();
    private static final Set<Object> OWN_NAMES = CACHE == null ? Set.of() : Set.copyOf(CACHE.keySet());
    private static final AtomicLong trims = new AtomicLong();
    private static final AtomicLong lastLoggedAt = new AtomicLong(System.nanoTime() - LOG_EVERY_NANOS);

    private HeaderNameCacheBound() {
    }

    /** Cuts the cache back to the stack's own names if it has learned too many since the last trim. */
    static void trimIfGrown() {
        if (CACHE == null || CACHE.size() <= OWN_NAMES.size() + MAX_LEARNED_NAMES) {
            return;
        }
        int before = CACHE.size();
        CACHE.keySet().removeIf(name -> !OWN_NAMES.contains(name));
        long count = trims.incrementAndGet();
        long now = System.nanoTime();
        long last = lastLoggedAt.get();
        if (now - last >= LOG_EVERY_NANOS && lastLoggedAt.compareAndSet(last, now)) {
            log.info("SIP messages carried many header names never seen before ({} in the stack's name cache); "
                    + "forgot all but the stack's own {} (trim {} since start). Many made-up header names from "
                    + "one source look like a probe or an attack: see the flood counters", before, OWN_NAMES.size(), count);
        }
    }

    /** Names in the cache now (the stack's own and those learned since the last trim); -1 if it was not found. */
    static int size() {
        return CACHE == null ? -1 : CACHE.size();
    }

    /** The stack's own names, kept by every trim. */
    static int ownNames() {
        return OWN_NAMES.size();
    }

    private static Map<?, ?> findCache() {
        try {
            Field field = Class.forName("gov.nist.javax.sip.header.SIPHeaderNamesCache").getDeclaredField("lowercaseMap");
            field.setAccessible(true);
            Object value = field.get(null);
            if (value instanceof Map<?, ?> map && value instanceof java.util.concurrent.ConcurrentMap<?, ?>) {
                return map;
            }
            log.warn("JAIN-SIP's header-name cache is not the concurrent map this server expects; made-up header "
                    + "names from remotes will grow the heap. See \"SIP input checks\" in docs/design.md");
        } catch (ReflectiveOperationException | RuntimeException e) {
            log.warn("Could not reach JAIN-SIP's header-name cache ({}); made-up header names from remotes will grow "
                    + "the heap. See \"SIP input checks\" in docs/design.md", e.toString());
        }
        return null;
    }
}
