package dev.mcu.sip;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Token buckets per source address for {@link SipFloodLimit}. Remembers the {@value #MAX_SOURCES}
 * most recently seen addresses, so a flood from many addresses costs bounded memory. Called on
 * JAIN-SIP's receiving threads: one short lock per request.
 */
final class SipFloodLimiter {
    private static final Logger log = LoggerFactory.getLogger(SipFloodLimiter.class);
    static final int MAX_SOURCES = 4096;
    private static final long WARN_EVERY_NANOS = 10_000_000_000L;

    private final SipFloodLimit limit;
    private final Map<String, Bucket> buckets = new LinkedHashMap<>(256, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Bucket> eldest) {
            return size() > MAX_SOURCES;
        }
    };

    private static final class Bucket {
        double tokens;
        long refilledAt;
        long droppedSinceWarning;
        long warnedAt;
        boolean warned;
    }

    SipFloodLimiter(SipFloodLimit limit) {
        this.limit = limit;
    }

    /** Takes a token for one request from {@code source}; false when its bucket is empty. */
    boolean allow(String source, long nowNanos) {
        if (limit.isOff()) {
            return true;
        }
        long dropped;
        synchronized (this) {
            Bucket bucket = buckets.get(source);
            if (bucket == null) {
                bucket = new Bucket();
                bucket.tokens = limit.burst();
                bucket.refilledAt = nowNanos;
                buckets.put(source, bucket);
            }
            double refill = (nowNanos - bucket.refilledAt) / 1e9 * limit.perSecond();
            bucket.tokens = Math.min(limit.burst(), bucket.tokens + refill);
            bucket.refilledAt = nowNanos;
            if (bucket.tokens >= 1) {
                bucket.tokens -= 1;
                return true;
            }
            bucket.droppedSinceWarning++;
            if (bucket.warned && nowNanos - bucket.warnedAt < WARN_EVERY_NANOS) {
                return false;
            }
            dropped = bucket.droppedSinceWarning;
            bucket.droppedSinceWarning = 0;
            bucket.warned = true;
            bucket.warnedAt = nowNanos;
        }
        log.warn("SIP flood from {}: dropped {} INVITE/OPTIONS above its limit of {}/s (burst {}); raise sip.floodLimit "
                + "if this address is a proxy", source, dropped, limit.perSecond(), limit.burst());
        return false;
    }
}
