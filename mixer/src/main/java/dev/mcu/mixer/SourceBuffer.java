package dev.mcu.mixer;

import dev.mcu.media.I420Frame;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.IntPointer;
import org.bytedeco.javacpp.PointerPointer;

/**
 * Native staging memory for one source picture at a time: swscale cannot read a Java array, so
 * each frame to be scaled is copied here first. One buffer serves all tiles because they are
 * scaled one after the other; it grows to the largest source seen and never shrinks.
 *
 * <p>Confined to the room's media clock thread.
 */
final class SourceBuffer implements AutoCloseable {
    /** swscale's vector loads may read a little past the last row. */
    private static final int READ_SLACK = 128;

    private BytePointer pixels;                                              // owned: closed in close() or on growth
    private final PointerPointer<BytePointer> planes = new PointerPointer<>(3); // owned: closed in close()
    private final IntPointer strides = new IntPointer(3);                   // owned: closed in close()

    /** Copies the frame in and points {@link #planes()} and {@link #strides()} at it. */
    void load(I420Frame frame) {
        int size = I420Frame.sizeOf(frame.width(), frame.height());
        if (pixels == null || pixels.capacity() < size) {
            if (pixels != null) {
                pixels.close();
            }
            pixels = new BytePointer(size + READ_SLACK);
        }
        pixels.position(0).put(frame.data(), 0, size);
        planes.put(0, pixels.position(frame.offsetY()));
        planes.put(1, pixels.position(frame.offsetU()));
        planes.put(2, pixels.position(frame.offsetV()));
        pixels.position(0);
        strides.put(0, frame.strideY());
        strides.put(1, frame.strideU());
        strides.put(2, frame.strideV());
    }

    PointerPointer<BytePointer> planes() {
        return planes;
    }

    IntPointer strides() {
        return strides;
    }

    @Override
    public void close() {
        strides.close();
        planes.close();
        if (pixels != null) {
            pixels.close();
            pixels = null;
        }
    }
}
