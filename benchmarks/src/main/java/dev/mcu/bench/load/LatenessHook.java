package dev.mcu.bench.load;

/**
 * HOOK (issue 12, audio-round lateness): how late the server's 20 ms audio rounds ran during the
 * measured window (p50 / p99 / max of actual start minus scheduled start). The server does not
 * expose this yet — the lead is adding it with the room-clock refactor. When it does, read it here
 * (from its metrics or stats answer) and return it; {@link Report} already prints the column and
 * checks the "p99 ≤ 5 ms under video16" target, and says "not exposed" while this returns null.
 *
 * <p>Threads: the main thread, at the end of a scenario's measurement.
 */
final class LatenessHook {
    record Lateness(double p50Millis, double p99Millis, double maxMillis) {
    }

    private LatenessHook() {
    }

    /** The server's audio-round lateness over the window, or null while the server does not expose it. */
    static Lateness read(ServerProcess server) {
        return null; // HOOK: not exposed by the server yet
    }
}
