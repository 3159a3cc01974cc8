package dev.mcu.egress;

import java.util.List;

/** Test helper: an EgressListener that writes what it hears into a list. */
final class Events {
    private Events() {
    }

    static EgressListener recording(List<String> events) {
        return new EgressListener() {
            @Override
            public void onStarted(String room, EgressStats stats) {
                events.add("started");
            }

            @Override
            public void onStopped(String room, EgressStats stats, String reason) {
                events.add("stopped: " + reason);
            }
        };
    }
}
