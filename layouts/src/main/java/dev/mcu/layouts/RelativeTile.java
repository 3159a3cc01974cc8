package dev.mcu.layouts;

/**
 * A tile of a custom layout in units of the canvas: {@code x = 0.5, width = 0.5} is the right half
 * on any canvas size.
 */
public record RelativeTile(double x, double y, double width, double height) {
    public RelativeTile {
        if (!(x >= 0 && y >= 0 && width > 0 && height > 0 && x + width <= 1.000001 && y + height <= 1.000001)) {
            throw new IllegalArgumentException("a custom tile must lie inside the canvas (0..1 in both directions), got x="
                    + x + " y=" + y + " width=" + width + " height=" + height);
        }
    }

    /** The tile in pixels with even origin and size (I420), or null when it is smaller than 2x2. */
    Tile toTile(int canvasWidth, int canvasHeight) {
        int left = even(x * canvasWidth);
        int top = even(y * canvasHeight);
        int right = Math.min(even(Math.round((x + width) * canvasWidth)), canvasWidth & ~1);
        int bottom = Math.min(even(Math.round((y + height) * canvasHeight)), canvasHeight & ~1);
        if (right - left < 2 || bottom - top < 2) {
            return null;
        }
        return new Tile(left, top, right - left, bottom - top);
    }

    private static int even(double pixels) {
        return ((int) Math.floor(pixels)) & ~1;
    }
}
