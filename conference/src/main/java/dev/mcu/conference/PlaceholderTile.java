package dev.mcu.conference;

import dev.mcu.media.I420Frame;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;

/**
 * The picture shown in place of a participant whose video is muted: a flat slate-blue tile with its
 * name in white. Drawn once per mute with Java2D (headless) into the luma plane; if this JVM has
 * no fonts, the tile is the flat colour alone.
 *
 * <p>Threads: called on the room's video thread; stateless.
 */
final class PlaceholderTile {
    private static final Logger log = LoggerFactory.getLogger(PlaceholderTile.class);
    static final int WIDTH = 320;
    static final int HEIGHT = 180;
    /** Slate blue, BT.601 limited range: what a test or an operator sees instead of the picture. */
    static final int Y = 70;
    static final int U = 150;
    static final int V = 115;
    private static final int TEXT_Y = 235;
    private static volatile boolean fontsMissing;

    private PlaceholderTile() {
    }

    static I420Frame of(String name) {
        I420Frame tile = I420Frame.solid(WIDTH, HEIGHT, Y, U, V);
        if (!fontsMissing && name != null && !name.isBlank()) {
            try {
                drawName(tile.data(), name);
            } catch (RuntimeException | Error e) {
                fontsMissing = true;
                log.warn("Muted-video tiles show no names: this JVM cannot draw text ({}); install fontconfig and a"
                        + " font (e.g. fonts-dejavu-core) to get them", e.toString());
            }
        }
        return tile;
    }

    /** Writes the name's white pixels into the luma plane, centred; the chroma stays slate blue (text is grey-white). */
    private static void drawName(byte[] i420, String name) {
        BufferedImage text = new BufferedImage(WIDTH, HEIGHT, BufferedImage.TYPE_BYTE_GRAY);
        Graphics2D g = text.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_OFF);
            g.setColor(Color.WHITE);
            g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 22));
            FontMetrics metrics = g.getFontMetrics();
            String shown = name.length() > 24 ? name.substring(0, 23) + "…" : name;
            int x = Math.max(4, (WIDTH - metrics.stringWidth(shown)) / 2);
            int y = (HEIGHT + metrics.getAscent() - metrics.getDescent()) / 2;
            g.drawString(shown, x, y);
        } finally {
            g.dispose();
        }
        byte[] gray = ((java.awt.image.DataBufferByte) text.getRaster().getDataBuffer()).getData();
        for (int i = 0; i < WIDTH * HEIGHT; i++) {
            if ((gray[i] & 0xff) > 127) {
                i420[i] = (byte) TEXT_Y;
            }
        }
    }
}
