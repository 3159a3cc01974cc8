package dev.mcu.media;

/**
 * The largest picture of a source's shape that fits a box, both sides even (I420 chroma covers 2x2):
 * how a tile shows a camera. The decoder uses it to hand out pictures already at their tile's size,
 * the compositor to place them; one rule, so both agree to the pixel.
 */
public record PictureFit(int width, int height) {

    public static PictureFit of(int boxWidth, int boxHeight, int sourceWidth, int sourceHeight) {
        if ((long) sourceWidth * boxHeight >= (long) boxWidth * sourceHeight) {
            return new PictureFit(boxWidth, clampEven(Math.round((double) boxWidth * sourceHeight / sourceWidth), boxHeight));
        }
        return new PictureFit(clampEven(Math.round((double) boxHeight * sourceWidth / sourceHeight), boxWidth), boxHeight);
    }

    private static int clampEven(long value, int max) {
        return (int) Math.max(2, Math.min(max, value & ~1L));
    }
}
