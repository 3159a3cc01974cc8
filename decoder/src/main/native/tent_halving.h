// The grid's 2:1 tile fit (issue 12): an I420 picture halved on each side by the separable tent
// (1, 3, 3, 1) / 8 that swscale's bilinear filter is at 2:1, the tap outside the picture folded onto
// the edge pixel and the sum rounded once, (sum + 32) >> 6, as swscale's C filter rounds it. zimg and
// swscale fit through 16-bit intermediates in several passes; this is one pass per output row with
// the vertical sums in a row on the stack, written so the compiler vectorizes both loops. The
// target_clones attribute builds it for AVX-512, AVX2 and SSE2 and picks one when the library loads.
// Stateless; any thread. Included by the JNI code JavaCPP generates for dev.mcu.decoder.TentHalving.
#ifndef MCU_TENT_HALVING_H
#define MCU_TENT_HALVING_H

#include <stdint.h>

// The widest source plane halved; the caller fits wider pictures another way.
#define TENT_HALVING_MAX_WIDTH 8192

__attribute__((target_clones("arch=x86-64-v4", "avx2", "default")))
static void tent_halve_plane(const uint8_t* source, int stride, int width, int height, uint8_t* out) {
    uint16_t sums[TENT_HALVING_MAX_WIDTH + 2];
    uint16_t* column = sums + 1; // column[-1] and column[width] hold the folded edge taps
    int outWidth = width >> 1;
    for (int row = 0; row < height >> 1; row++) {
        const uint8_t* above = source + (long) (row > 0 ? 2 * row - 1 : 0) * stride;
        const uint8_t* top = source + (long) (2 * row) * stride;
        const uint8_t* bottom = top + stride;
        const uint8_t* below = source + (long) (2 * row + 2 < height ? 2 * row + 2 : height - 1) * stride;
        for (int x = 0; x < width; x++) {
            column[x] = (uint16_t) (above[x] + below[x] + 3 * (top[x] + bottom[x]));
        }
        column[-1] = column[0];
        column[width] = column[width - 1];
        uint8_t* outRow = out + (long) row * outWidth;
        for (int i = 0; i < outWidth; i++) {
            outRow[i] = (uint8_t) ((column[2 * i - 1] + column[2 * i + 2] + 3 * (column[2 * i] + column[2 * i + 1]) + 32) >> 6);
        }
    }
}

// Halves a width x height I420 picture (both multiples of 4, width at most TENT_HALVING_MAX_WIDTH,
// rows top to bottom) into `out`, a packed I420 picture of (width / 2) x (height / 2). Returns 0, or -1 (nothing written)
// for a size it does not take.
static int tent_halve_i420(const uint8_t* y, int strideY, const uint8_t* u, int strideU, const uint8_t* v, int strideV,
                           int width, int height, uint8_t* out) {
    if (width < 4 || height < 4 || (width & 3) != 0 || (height & 3) != 0 || width > TENT_HALVING_MAX_WIDTH
            || strideY < width || strideU < width / 2 || strideV < width / 2) {
        return -1;
    }
    long lumaSize = (long) (width / 2) * (height / 2);
    long chromaSize = lumaSize / 4;
    tent_halve_plane(y, strideY, width, height, out);
    tent_halve_plane(u, strideU, width / 2, height / 2, out + lumaSize);
    tent_halve_plane(v, strideV, width / 2, height / 2, out + lumaSize + chromaSize);
    return 0;
}

#endif
