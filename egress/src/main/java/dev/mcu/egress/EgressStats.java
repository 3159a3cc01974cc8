package dev.mcu.egress;

/**
 * A point-in-time view of one egress for the API and metrics.
 *
 * @param destination        the URL without stream key, or the file
 * @param droppedQueueFull   packets the room could not hand over because the egress fell behind
 * @param droppedDisconnected packets discarded while a live destination was down or before its first keyframe
 * @param connects           times the output was opened (1 + successful reconnects)
 * @param failures           failed opens and writes
 * @param cpuMillis          CPU time of the egress's own thread (muxing and network I/O)
 */
public record EgressStats(String id, EgressKind kind, String destination, Egress.State state,
                          long packetsWritten, long bytesWritten, long droppedQueueFull, long droppedDisconnected,
                          long connects, long failures, String lastError, long cpuMillis) {
}
