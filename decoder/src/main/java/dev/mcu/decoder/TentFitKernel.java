package dev.mcu.decoder;

import org.bytedeco.javacpp.Loader;
import org.bytedeco.javacpp.annotation.Cast;
import org.bytedeco.javacpp.annotation.CriticalRegion;
import org.bytedeco.javacpp.annotation.Platform;

/**
 * The JNI side of {@link TentFit}, kept free of other libraries' types: JavaCPP's build reads this
 * class with the module's own classes only. Stateless; any thread.
 */
@Platform(value = "linux-x86_64", include = "tent_fit.h")
final class TentFitKernel {
    /** Null when the library loaded, else why not. */
    static final String UNAVAILABLE_REASON = load();

    private TentFitKernel() {
    }

    private static String load() {
        try {
            Loader.load(TentFitKernel.class);
            return null;
        } catch (Throwable notLoaded) { // UnsatisfiedLinkError, or Loader's own for a platform it has no library for
            return notLoaded.getClass().getSimpleName() + ": " + notLoaded.getMessage();
        }
    }

    /** See tent_fit.h; {@code out} is pinned, not copied, for the call. */
    @CriticalRegion
    static native int tent_fit_i420(@Cast("const uint8_t*") long y, int strideY, @Cast("const uint8_t*") long u, int strideU,
                                    @Cast("const uint8_t*") long v, int strideV, int width, int height, int ratio,
                                    @Cast("uint8_t*") byte[] out);
}
