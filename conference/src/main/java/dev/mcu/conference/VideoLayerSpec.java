package dev.mcu.conference;

/** One rung of the output ladder: a picture size and the bit rate it is encoded at. Immutable. */
public record VideoLayerSpec(int width, int height, int kbps) {

    /** How the logs and the API name the layer, e.g. {@code 640x360}. */
    public String size() {
        return width + "x" + height;
    }
}
