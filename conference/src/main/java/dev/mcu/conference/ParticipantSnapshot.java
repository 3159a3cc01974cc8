package dev.mcu.conference;

import dev.mcu.media.Codec;

/**
 * One participant of a room at one moment, as the control plane shows it. Made on the room's audio
 * lane; immutable.
 *
 * @param talking    in a talk spell now (the active-speaker detector's view)
 * @param levelDbov  the level of its last 20 ms of audio, -127 when silent, muted or not heard
 * @param visible    has a tile in the current layout
 * @param audioCodec the codec of its audio, null when it has none; likewise {@code videoCodec}
 * @param videoLayer the layer of the output ladder it receives ({@code 1280x720}, {@code 640x360}...),
 *                   null when we send it no video
 */
public record ParticipantSnapshot(String id, String name, Role role, boolean audioMuted, boolean videoMuted,
                                  boolean talking, double levelDbov, boolean visible, Codec audioCodec,
                                  Codec videoCodec, ParticipantStats stats, String videoLayer) {

    ParticipantSnapshot(String id, String name, Role role, boolean audioMuted, boolean videoMuted, boolean talking,
                        double levelDbov, boolean visible, Codec audioCodec, Codec videoCodec, ParticipantStats stats) {
        this(id, name, role, audioMuted, videoMuted, talking, levelDbov, visible, audioCodec, videoCodec, stats, null);
    }

    ParticipantSnapshot withVideoLayer(String layer) {
        return new ParticipantSnapshot(id, name, role, audioMuted, videoMuted, talking, levelDbov, visible, audioCodec,
                videoCodec, stats, layer);
    }
}
