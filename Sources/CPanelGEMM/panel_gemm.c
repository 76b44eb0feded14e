#include "panel_gemm.h"

#include <string.h>

#if defined(__x86_64__)
#include <immintrin.h>
#endif

#define W PANEL_GEMM_WIDTH

long panel_gemm_packed_count(int out, int in) {
    long panels = (out + W - 1) / W;
    return panels * W * (long)in;
}

void panel_gemm_pack(const float *weight, int out, int in, float *panels) {
    long count = panel_gemm_packed_count(out, in);
    memset(panels, 0, (size_t)count * sizeof(float));
    for (int c = 0; c < out; c++) {
        float *panel = panels + (long)(c / W) * W * in + c % W;
        const float *row = weight + (long)c * in;
        for (int k = 0; k < in; k++) panel[(long)k * W] = row[k];
    }
}

/// Writes one row's 16 sums to the output columns that exist (`width` ≤ 16).
static inline void finish_row(const float *sums, int width, const float *bias, int accumulate, float *y) {
    for (int j = 0; j < width; j++) y[j] = (accumulate ? y[j] : 0.0f) + bias[j] + sums[j];
}

/// Plain C: one row × one panel at a time.
void panel_gemm_portable(int rows, int in, const float *x, int ldx, const float *panels, int panel_begin,
                                int panel_end, int out, const float *bias, int accumulate, float *y, int ldy) {
    for (int p = panel_begin; p < panel_end; p++) {
        const float *panel = panels + (long)p * W * in;
        int c = p * W, width = out - c < W ? out - c : W;
        for (int r = 0; r < rows; r++) {
            float sums[W] = {0};
            const float *xr = x + (long)r * ldx;
            for (int k = 0; k < in; k++) {
                for (int j = 0; j < W; j++) sums[j] += xr[k] * panel[(long)k * W + j];
            }
            finish_row(sums, width, bias + c, accumulate, y + (long)r * ldy + c);
        }
    }
}

#if defined(__x86_64__)

int panel_gemm_supported(void) {
    __builtin_cpu_init();
    return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
}

/// R (1…6) rows × one 16-column panel: 2R accumulators of 8 floats, the panel streamed once.
__attribute__((target("avx2,fma"), always_inline))
static inline void block(const int R, int in, const float *x, int ldx, const float *panel, int width,
                         const float *bias, int accumulate, float *y, int ldy) {
    __m256 acc[6][2];
    for (int i = 0; i < R; i++) {
        acc[i][0] = _mm256_setzero_ps();
        acc[i][1] = _mm256_setzero_ps();
    }
    const float *w = panel;
    for (int k = 0; k < in; k++, w += W) {
        __m256 w0 = _mm256_loadu_ps(w), w1 = _mm256_loadu_ps(w + 8);
        for (int i = 0; i < R; i++) {
            __m256 b = _mm256_broadcast_ss(x + (long)i * ldx + k);
            acc[i][0] = _mm256_fmadd_ps(b, w0, acc[i][0]);
            acc[i][1] = _mm256_fmadd_ps(b, w1, acc[i][1]);
        }
    }
    if (width == W) {
        __m256 b0 = _mm256_loadu_ps(bias), b1 = _mm256_loadu_ps(bias + 8);
        for (int i = 0; i < R; i++) {
            float *row = y + (long)i * ldy;
            __m256 v0 = _mm256_add_ps(acc[i][0], b0), v1 = _mm256_add_ps(acc[i][1], b1);
            if (accumulate) {
                v0 = _mm256_add_ps(v0, _mm256_loadu_ps(row));
                v1 = _mm256_add_ps(v1, _mm256_loadu_ps(row + 8));
            }
            _mm256_storeu_ps(row, v0);
            _mm256_storeu_ps(row + 8, v1);
        }
    } else {
        for (int i = 0; i < R; i++) {
            float sums[W];
            _mm256_storeu_ps(sums, acc[i][0]);
            _mm256_storeu_ps(sums + 8, acc[i][1]);
            finish_row(sums, width, bias, accumulate, y + (long)i * ldy);
        }
    }
}

__attribute__((target("avx2,fma")))
static void panel_gemm_avx2(int rows, int in, const float *x, int ldx, const float *panels, int panel_begin,
                            int panel_end, int out, const float *bias, int accumulate, float *y, int ldy) {
    for (int p = panel_begin; p < panel_end; p++) {
        const float *panel = panels + (long)p * W * in;
        int c = p * W, width = out - c < W ? out - c : W;
        int r = 0;
        for (; r + 6 <= rows; r += 6) {
            block(6, in, x + (long)r * ldx, ldx, panel, width, bias + c, accumulate, y + (long)r * ldy + c, ldy);
        }
        const float *xr = x + (long)r * ldx;
        float *yr = y + (long)r * ldy + c;
        switch (rows - r) {
        case 5: block(5, in, xr, ldx, panel, width, bias + c, accumulate, yr, ldy); break;
        case 4: block(4, in, xr, ldx, panel, width, bias + c, accumulate, yr, ldy); break;
        case 3: block(3, in, xr, ldx, panel, width, bias + c, accumulate, yr, ldy); break;
        case 2: block(2, in, xr, ldx, panel, width, bias + c, accumulate, yr, ldy); break;
        case 1: block(1, in, xr, ldx, panel, width, bias + c, accumulate, yr, ldy); break;
        default: break;
        }
    }
}

void panel_gemm(int rows, int in, const float *x, int ldx, const float *panels, int panel_begin,
                int panel_end, int out, const float *bias, int accumulate, float *y, int ldy) {
    if (panel_gemm_supported()) {
        panel_gemm_avx2(rows, in, x, ldx, panels, panel_begin, panel_end, out, bias, accumulate, y, ldy);
    } else {
        panel_gemm_portable(rows, in, x, ldx, panels, panel_begin, panel_end, out, bias, accumulate, y, ldy);
    }
}

#else

int panel_gemm_supported(void) { return 0; }

void panel_gemm(int rows, int in, const float *x, int ldx, const float *panels, int panel_begin,
                int panel_end, int out, const float *bias, int accumulate, float *y, int ldy) {
    panel_gemm_portable(rows, in, x, ldx, panels, panel_begin, panel_end, out, bias, accumulate, y, ldy);
}

#endif
