// Matrix products for short passes (a query's dozen tokens) over weights packed once.
//
// OpenBLAS repacks both operands on every sgemm call. For a pass of a few rows against a
// linear layer's weight, packing the weight costs about as much as the multiply (a third of
// a query's encoder time under perf), so those products use weights packed at load time into
// panels of 16 output columns and an AVX2/FMA kernel. Batched passes keep using OpenBLAS.
#ifndef PRIMER_PANEL_GEMM_H
#define PRIMER_PANEL_GEMM_H

#ifdef __cplusplus
extern "C" {
#endif

/// Output columns per panel.
#define PANEL_GEMM_WIDTH 16

/// 1 when this CPU can run the packed kernel (x86-64 with AVX2 and FMA), else 0.
int panel_gemm_supported(void);

/// Number of floats `panel_gemm_pack` writes for a weight of `out` × `in`.
long panel_gemm_packed_count(int out, int in);

/// Packs `weight` ([out, in], row-major) into panels: panel p holds, for each input k in
/// order, the 16 values weight[16p + j][k] (zero past `out`).
void panel_gemm_pack(const float *weight, int out, int in, float *panels);

/// For r < rows and output columns c in [16·panel_begin, min(16·panel_end, out)):
///   y[r·ldy + c] = (accumulate ? y[r·ldy + c] : 0) + bias[c] + Σₖ x[r·ldx + k]·weight[c][k]
/// with `panels` made by `panel_gemm_pack`. Runs the AVX2 kernel when supported, plain C
/// otherwise.
void panel_gemm(int rows, int in, const float *x, int ldx, const float *panels, int panel_begin,
                int panel_end, int out, const float *bias, int accumulate, float *y, int ldy);

/// The same in plain C on any CPU (what `panel_gemm` falls back to; also for tests).
void panel_gemm_portable(int rows, int in, const float *x, int ldx, const float *panels, int panel_begin,
                         int panel_end, int out, const float *bias, int accumulate, float *y, int ldy);

#ifdef __cplusplus
}
#endif

#endif
