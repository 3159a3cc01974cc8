package dev.mcu.mixer;

import dev.mcu.layouts.Layout;
import dev.mcu.layouts.Tile;
import dev.mcu.media.I420Frame;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.awt.image.DataBufferByte;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Function;

/**
 * Writes each participant's name into the bottom-left corner of its tile: white text on a darkened,
 * desaturated box, so it reads over any picture.
 *
 * <p>Each name is rendered with Java2D (headless) once, when it or its tile's size changes, into a
 * coverage mask; every frame only blends the cached masks into the canvas (a few thousand pixels per
 * tile, no allocation). Names come from the network (a SIP display name, the page's name field), so
 * control characters are dropped and the text is cut to fit its tile. If this JVM cannot draw text
 * (no fonts), it says so once and draws nothing.
 *
 * <p>Threads: called only from the room's video thread; not thread-safe.
 */
public final class NameLabels {
    private static final Logger log = LoggerFactory.getLogger(NameLabels.class);
    /** Longest name drawn, in characters, before it is cut with an ellipsis. */
    static final int MAX_CHARACTERS = 32;
    /** Tiles smaller than this (pixels) carry no label: the text would cover the picture. */
    static final int MIN_TILE_WIDTH = 96;
    static final int MIN_TILE_HEIGHT = 54;
    static final int TEXT_Y = 235;
    /** The box keeps 40 % of the picture's luma (toward black) and 15 % of its colour (toward grey), so white reads. */
    private static final byte[] BOX_LUMA = table(16, 102);
    private static final byte[] BOX_CHROMA = table(128, 38);
    private static volatile boolean fontsMissing;

    /** A rendered name: luma coverage 0..255 of a {@code width x height} box, both even. */
    private record Label(String raw, String name, int fontPixels, int maxWidth, int width, int height, byte[] coverage) {
    }

    private final Map<String, Label> labels = new HashMap<>();

    /** {@link #draw(I420Frame, Layout, Map, Function)} with each label at the bottom of its whole tile. */
    public void draw(I420Frame canvas, Layout layout, Map<String, String> names) {
        draw(canvas, layout, names, id -> null);
    }

    /**
     * Draws the name of every tile's participant that has one ({@code names}: id → name), in the
     * bottom-left corner of its picture ({@code pictureArea}: the tile without its black bars, or null
     * for the whole tile), so a letterboxed picture carries its name on it rather than below it.
     * Names of participants no longer in the layout are forgotten.
     */
    public void draw(I420Frame canvas, Layout layout, Map<String, String> names, Function<String, Tile> pictureArea) {
        labels.keySet().retainAll(layout.tiles().keySet());
        if (fontsMissing) {
            return;
        }
        for (Map.Entry<String, Tile> entry : layout.tiles().entrySet()) {
            Tile tile = entry.getValue();
            String raw = names.get(entry.getKey());
            Label cached = labels.get(entry.getKey());
            // The cleaned text is worked out again only when the name changed: this runs every frame.
            String name = cached != null && raw != null && raw.equals(cached.raw()) ? cached.name() : shown(raw);
            if (name.isEmpty() || tile.width() < MIN_TILE_WIDTH || tile.height() < MIN_TILE_HEIGHT
                    || !tile.fitsIn(canvas.width(), canvas.height())) {
                continue;
            }
            Tile picture = pictureArea.apply(entry.getKey());
            Tile area = picture != null && tile.contains(picture) && picture.width() >= MIN_TILE_WIDTH
                    && picture.height() >= MIN_TILE_HEIGHT ? picture : tile;
            Label label = label(entry.getKey(), raw, name, tile, area, canvas.height());
            if (label != null) {
                blend(canvas, area, label);
            }
        }
    }

    /** The text drawn for a network-supplied name: printable characters only, at most {@link #MAX_CHARACTERS}. */
    static String shown(String name) {
        if (name == null) {
            return "";
        }
        StringBuilder text = new StringBuilder(Math.min(name.length(), MAX_CHARACTERS + 1));
        for (int i = 0; i < name.length() && text.length() <= MAX_CHARACTERS; i++) {
            char c = name.charAt(i);
            if (!Character.isISOControl(c) && Character.getType(c) != Character.FORMAT) {
                text.append(c);
            }
        }
        String trimmed = text.toString().strip();
        return trimmed.length() > MAX_CHARACTERS ? trimmed.substring(0, MAX_CHARACTERS - 1) + "…" : trimmed;
    }

    private Label label(String id, String raw, String name, Tile tile, Tile area, int canvasHeight) {
        // Readable on a small tile, never shouting on a big one: the same size for every tile of a grid.
        int fontPixels = Math.max(11, Math.min(Math.min(tile.height() / 9, tile.width() / 14), canvasHeight / 24));
        fontPixels = Math.min(fontPixels, Math.max(11, area.height() / 5));
        int maxWidth = (area.width() - 2 * margin(fontPixels)) & ~1;
        Label cached = labels.get(id);
        if (cached != null && cached.name().equals(name) && cached.fontPixels() == fontPixels
                && cached.maxWidth() == maxWidth) {
            return cached;
        }
        try {
            Label made = render(raw, name, fontPixels, maxWidth);
            labels.put(id, made);
            return made;
        } catch (RuntimeException | Error e) {
            fontsMissing = true;
            log.warn("Tiles show no names: this JVM cannot draw text ({}); install fontconfig and a font"
                    + " (e.g. fonts-dejavu-core) to get them", e.toString());
            return null;
        }
    }

    /** Space around the text and between the box and the picture's edge; clear of the speaker's 4-pixel border. */
    private static int margin(int fontPixels) {
        return Math.max(6, (fontPixels / 3 + 1) & ~1);
    }

    /** Renders the text into a box no wider than {@code maxWidth}, cutting it with an ellipsis if needed. */
    private static Label render(String raw, String name, int fontPixels, int maxWidth) {
        Font font = new Font(Font.SANS_SERIF, Font.BOLD, fontPixels);
        BufferedImage probe = new BufferedImage(1, 1, BufferedImage.TYPE_BYTE_GRAY);
        Graphics2D pg = probe.createGraphics();
        FontMetrics metrics;
        try {
            metrics = pg.getFontMetrics(font);
        } finally {
            pg.dispose();
        }
        int padding = margin(fontPixels);
        String text = name;
        while (text.length() > 1 && metrics.stringWidth(text) + 2 * padding > maxWidth) {
            text = text.substring(0, text.length() - (text.endsWith("…") ? 2 : 1)) + "…";
        }
        int width = Math.min(maxWidth, (metrics.stringWidth(text) + 2 * padding + 1) & ~1);
        int height = (metrics.getAscent() + metrics.getDescent() + padding + 1) & ~1;
        BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_BYTE_GRAY);
        Graphics2D g = image.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
            g.setColor(Color.WHITE);
            g.setFont(font);
            g.drawString(text, padding, padding / 2 + metrics.getAscent());
        } finally {
            g.dispose();
        }
        byte[] coverage = ((DataBufferByte) image.getRaster().getDataBuffer()).getData();
        return new Label(raw, name, fontPixels, maxWidth, width, height, coverage);
    }

    /** Value → value pulled toward {@code centre}, keeping {@code keep}/256 of its distance. */
    private static byte[] table(int centre, int keep) {
        byte[] table = new byte[256];
        for (int value = 0; value < 256; value++) {
            table[value] = (byte) (centre + (((value - centre) * keep) >> 8));
        }
        return table;
    }

    /** Darkens the box in the tile's bottom-left corner, then lays the white text over it. Per pixel: lookups, no division. */
    private static void blend(I420Frame canvas, Tile tile, Label label) {
        byte[] data = canvas.data();
        byte[] coverage = label.coverage();
        int width = label.width();
        int margin = margin(label.fontPixels());
        int left = tile.x() + margin;
        int top = tile.bottom() - margin - label.height();
        int strideY = canvas.strideY();
        for (int row = 0; row < label.height(); row++) {
            int line = (top + row) * strideY + left;
            int maskLine = row * width;
            for (int col = 0; col < width; col++) {
                int dark = BOX_LUMA[data[line + col] & 0xff] & 0xff;
                int alpha = coverage[maskLine + col] & 0xff;
                if (alpha != 0) {
                    dark += ((TEXT_Y - dark) * alpha * 257 + 32768) >>> 16;   // ≈ (TEXT_Y - dark) * alpha / 255
                }
                data[line + col] = (byte) dark;
            }
        }
        int chromaStride = canvas.strideU();
        int chromaWidth = width / 2;
        for (int row = 0; row < label.height() / 2; row++) {
            int u = canvas.offsetU() + (top / 2 + row) * chromaStride + left / 2;
            int v = canvas.offsetV() + (top / 2 + row) * chromaStride + left / 2;
            for (int col = 0; col < chromaWidth; col++) {
                data[u + col] = BOX_CHROMA[data[u + col] & 0xff];
                data[v + col] = BOX_CHROMA[data[v + col] & 0xff];
            }
        }
    }
}
