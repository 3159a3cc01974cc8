package dev.mcu.app.api;

/**
 * One participant as {@code GET /api/v1/rooms/{room}/participants} lists it.
 *
 * @param transport udp, tcp, ws, wss or webrtc (a browser's media)
 * @param joinedAt  ISO-8601
 */
public record ParticipantView(String id, String name, String role, String transport, Audio audio, Video video,
                              boolean handRaised, String joinedAt) {

    /**
     * @param level  the last audio level heard, 0 (silence) .. 1 (full scale)
     * @param codec  null when the call has no audio
     */
    public record Audio(String codec, boolean muted, double level, boolean talking, long packetsIn, long packetsOut,
                        double lossPercent, double jitterMs) {
    }

    /**
     * @param visible the participant has a tile in the current layout
     * @param fps     its pictures decoded per second over the last 5 s (since the join when younger):
     *                0 within 5 s of its camera stopping; likewise {@code kbpsIn} (what it sends us)
     *                and {@code kbpsOut} (what we send it)
     * @param layer   the output layer it receives ({@code 1280x720}, {@code 640x360}...), null when it gets no video
     */
    public record Video(String codec, boolean muted, boolean visible, double fps, long kbpsIn, long kbpsOut,
                        String layer) {
    }
}
