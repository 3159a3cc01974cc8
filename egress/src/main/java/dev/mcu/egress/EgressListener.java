package dev.mcu.egress;

/**
 * What an egress reports to whoever publishes events. Called on the egress's own thread, never
 * under a lock of the hub; implementations must not block.
 */
public interface EgressListener {
    /** The output's header is written: the destination is receiving the program. */
    void onStarted(String room, EgressStats stats);

    /** The egress ended: stopped on request, or a recording or HLS output failed ({@code reason} says which). */
    void onStopped(String room, EgressStats stats, String reason);

    EgressListener NONE = new EgressListener() {
        @Override
        public void onStarted(String room, EgressStats stats) {
        }

        @Override
        public void onStopped(String room, EgressStats stats, String reason) {
        }
    };
}
