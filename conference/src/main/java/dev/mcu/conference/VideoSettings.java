package dev.mcu.conference;

import dev.mcu.layouts.LayoutKind;
import dev.mcu.layouts.RelativeTile;

import java.util.List;

/**
 * How a room's composite looks and is encoded: canvas size and rate, the encoder's bit rate range and
 * keyframe interval, the layout with its speaker rules, and whether names are written on the tiles. Immutable.
 */
public record VideoSettings(int width, int height, int fps, int bitrateKbps, int minBitrateKbps,
                            int keyframeIntervalSeconds, LayoutKind layout, boolean followSpeaker,
                            boolean highlightSpeaker, List<RelativeTile> customTiles,
                            boolean showNames) {
}
