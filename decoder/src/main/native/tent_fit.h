// The grid's 2:1 and 4:1 tile fits (issue 12): an I420 picture shrunk on each side by the separable
// tent that swscale's bilinear filter is at that ratio: (1, 3, 3, 1) / 8 at 2:1 and
// (1, 3, 5, 7, 7, 5, 3, 1) / 32 at 4:1, the taps outside the picture folded onto the edge pixel and the
// sum rounded once, as swscale's C filter rounds it. zimg and swscale fit through 16-bit
// intermediates in several passes; this is one pass per output row with the vertical sums in a row
// on the stack, written so the compiler vectorizes both loops. The target_clones attribute builds it
// for AVX-512, AVX2 and SSE2 and picks one when the library loads.
// Stateless; any thread. Included by the JNI code JavaCPP generates for dev.mcu.decoder.TentFitKernel.
#ifndef MCU_TENT_FIT_H
#define MCU_TENT_FIT_H

#include <stdint.h>

// The widest source plane fitted; the caller fits wider pictures another way.
#define TENT_FIT_MAX_WIDTH 8192

static inline const uint8_t* tent_fit_row(const uint8_t* source, long stride, int row, int height) {
    return source + (row < 0 ? 0 : row >= height ? height - 1 : row) * stride;
}

__attribute__((target_clones("arch=x86-64-v4", "avx2", "default")))
static void tent_halve_plane(const uint8_t* source, int stride, int width, int height, uint8_t* out) {
    uint16_t sums[TENT_FIT_MAX_WIDTH + 2];
    uint16_t* column = sums + 1; // column[-1] and column[width] hold the folded edge taps
    int outWidth = width >> 1;
    for (int row = 0; row < height >> 1; row++) {
        const uint8_t* above = tent_fit_row(source, stride, 2 * row - 1, height);
        const uint8_t* top = tent_fit_row(source, stride, 2 * row, height);
        const uint8_t* bottom = tent_fit_row(source, stride, 2 * row + 1, height);
        const uint8_t* below = tent_fit_row(source, stride, 2 * row + 2, height);
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

__attribute__((target_clones("arch=x86-64-v4", "avx2", "default")))
static void tent_quarter_plane(const uint8_t* source, int stride, int width, int height, uint8_t* out) {
    uint16_t sums[TENT_FIT_MAX_WIDTH + 4];
    uint16_t* column = sums + 2; // column[-2], column[-1], column[width], column[width + 1]: folded edge taps
    int outWidth = width >> 2;
    for (int row = 0; row < height >> 2; row++) {
        const uint8_t* r0 = tent_fit_row(source, stride, 4 * row - 2, height);
        const uint8_t* r1 = tent_fit_row(source, stride, 4 * row - 1, height);
        const uint8_t* r2 = tent_fit_row(source, stride, 4 * row, height);
        const uint8_t* r3 = tent_fit_row(source, stride, 4 * row + 1, height);
        const uint8_t* r4 = tent_fit_row(source, stride, 4 * row + 2, height);
        const uint8_t* r5 = tent_fit_row(source, stride, 4 * row + 3, height);
        const uint8_t* r6 = tent_fit_row(source, stride, 4 * row + 4, height);
        const uint8_t* r7 = tent_fit_row(source, stride, 4 * row + 5, height);
        for (int x = 0; x < width; x++) { // at most 32 x 255: fits 16 bits
            column[x] = (uint16_t) (r0[x] + r7[x] + 3 * (r1[x] + r6[x]) + 5 * (r2[x] + r5[x]) + 7 * (r3[x] + r4[x]));
        }
        column[-2] = column[-1] = column[0];
        column[width] = column[width + 1] = column[width - 1];
        uint8_t* outRow = out + (long) row * outWidth;
        for (int i = 0; i < outWidth; i++) {
            const uint16_t* c = column + 4 * i;
            uint32_t sum = (uint32_t) c[-2] + c[5] + 3u * ((uint32_t) c[-1] + c[4]) + 5u * ((uint32_t) c[0] + c[3])
                    + 7u * ((uint32_t) c[1] + c[2]);
            outRow[i] = (uint8_t) ((sum + 512) >> 10);
        }
    }
}

// Shrinks a width x height I420 picture by `ratio` (2 or 4) on each side into `out`, a packed I420
// picture of (width / ratio) x (height / ratio). Both sides must be multiples of 2 * ratio (so each
// chroma plane shrinks whole), the width at most TENT_FIT_MAX_WIDTH, rows top to bottom. Returns 0,
// or -1 (nothing written) for a picture it does not take.
static int tent_fit_i420(const uint8_t* y, int strideY, const uint8_t* u, int strideU, const uint8_t* v, int strideV,
                         int width, int height, int ratio, uint8_t* out) {
    int multiple = 2 * ratio;
    if ((ratio != 2 && ratio != 4) || width < multiple || height < multiple || width % multiple != 0
            || height % multiple != 0 || width > TENT_FIT_MAX_WIDTH
            || strideY < width || strideU < width / 2 || strideV < width / 2) {
        return -1;
    }
    long lumaSize = (long) (width / ratio) * (height / ratio);
    long chromaSize = lumaSize / 4;
    void (*plane)(const uint8_t*, int, int, int, uint8_t*) = ratio == 2 ? tent_halve_plane : tent_quarter_plane;
    plane(y, strideY, width, height, out);
    plane(u, strideU, width / 2, height / 2, out + lumaSize);
    plane(v, strideV, width / 2, height / 2, out + lumaSize + chromaSize);
    return 0;
}

#endif
