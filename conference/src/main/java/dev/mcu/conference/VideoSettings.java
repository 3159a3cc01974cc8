package dev.mcu.conference;

import dev.mcu.layouts.LayoutKind;
import dev.mcu.layouts.RelativeTile;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * How a room's composite looks and is encoded: canvas size and rate, the encoder's bit rate range and
 * keyframe interval, the layout with its speaker rules, whether names are written on the tiles, and the
 * smaller layers of the output ladder. Immutable.
 *
 * @param layers the output ladder as configured ({@code video.layers}); see {@link #ladder()}
 */
public record VideoSettings(int width, int height, int fps, int bitrateKbps, int minBitrateKbps,
                            int keyframeIntervalSeconds, LayoutKind layout, boolean followSpeaker,
                            boolean highlightSpeaker, List<RelativeTile> customTiles,
                            boolean showNames, List<VideoLayerSpec> layers) {

    public VideoSettings {
        customTiles = List.copyOf(customTiles);
        layers = List.copyOf(layers);
    }

    /** One layer only: the canvas at {@code bitrateKbps}. */
    public VideoSettings(int width, int height, int fps, int bitrateKbps, int minBitrateKbps,
                         int keyframeIntervalSeconds, LayoutKind layout, boolean followSpeaker,
                         boolean highlightSpeaker, List<RelativeTile> customTiles, boolean showNames) {
        this(width, height, fps, bitrateKbps, minBitrateKbps, keyframeIntervalSeconds, layout, followSpeaker,
                highlightSpeaker, customTiles, showNames, List.of());
    }

    /**
     * The layers each output encodes, top first: the canvas at {@code bitrateKbps} (always), then the
     * configured layers smaller than the canvas in both directions, largest first. A configured layer
     * the size of the canvas or bigger is the canvas itself, so {@code video.width}, {@code height}
     * and {@code bitrateKbps} keep deciding the top layer.
     */
    public List<VideoLayerSpec> ladder() {
        List<VideoLayerSpec> ladder = new ArrayList<>();
        ladder.add(new VideoLayerSpec(width, height, bitrateKbps));
        layers.stream()
                .filter(l -> l.width() < width && l.height() < height)
                .sorted(Comparator.comparingInt((VideoLayerSpec l) -> l.width() * l.height()).reversed())
                .forEach(l -> {
                    if (ladder.stream().noneMatch(o -> o.width() == l.width() && o.height() == l.height())) {
                        ladder.add(l);
                    }
                });
        return List.copyOf(ladder);
    }
}
