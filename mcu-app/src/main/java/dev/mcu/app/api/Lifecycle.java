package dev.mcu.app.api;

/** The server's readiness as health checks and the drain call see it. Thread-safe. */
public interface Lifecycle {
    /** True once a drain began: no new rooms; calls for open rooms are still accepted. */
    boolean draining();

    /** Stops accepting calls for new rooms. Idempotent. */
    void drain();

    /** Calls up right now. */
    int calls();
}
