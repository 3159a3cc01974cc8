package dev.mcu.transport.webrtc;

import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLongArray;

/** One counter per {@link WebRtcDrop}. Incremented on the event loop, read by anyone. */
final class DropCounters {
    private final AtomicLongArray counts = new AtomicLongArray(WebRtcDrop.values().length);

    void count(WebRtcDrop reason) {
        counts.incrementAndGet(reason.ordinal());
    }

    long get(WebRtcDrop reason) {
        return counts.get(reason.ordinal());
    }

    Map<WebRtcDrop, Long> snapshot() {
        Map<WebRtcDrop, Long> out = new EnumMap<>(WebRtcDrop.class);
        for (WebRtcDrop reason : WebRtcDrop.values()) {
            out.put(reason, counts.get(reason.ordinal()));
        }
        return out;
    }
}
