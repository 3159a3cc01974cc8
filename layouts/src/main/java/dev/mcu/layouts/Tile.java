package dev.mcu.layouts;

/**
 * A rectangle of the canvas, in pixels. Origin and size are always even, because in I420 one
 * chroma sample covers 2x2 luma pixels: an odd edge would split a chroma sample between two tiles.
 */
public record Tile(int x, int y, int width, int height) {
    public Tile {
        if (x < 0 || y < 0 || width < 2 || height < 2) {
            throw new IllegalArgumentException("tile must lie at x,y >= 0 with size >= 2x2: " + describe(x, y, width, height));
        }
        if (((x | y | width | height) & 1) != 0) {
            throw new IllegalArgumentException("tile origin and size must be even for I420: " + describe(x, y, width, height));
        }
    }

    /** One past the last column. */
    public int right() {
        return x + width;
    }

    /** One past the last row. */
    public int bottom() {
        return y + height;
    }

    public boolean intersects(Tile other) {
        return x < other.right() && other.x < right() && y < other.bottom() && other.y < bottom();
    }

    public boolean contains(Tile other) {
        return other.x >= x && other.y >= y && other.right() <= right() && other.bottom() <= bottom();
    }

    public boolean fitsIn(int canvasWidth, int canvasHeight) {
        return right() <= canvasWidth && bottom() <= canvasHeight;
    }

    private static String describe(int x, int y, int width, int height) {
        return width + "x" + height + "@" + x + "," + y;
    }
}
