/*
 * otbook's optional native kernels for the tfjs cpu backend (lib/backend/kernels/native.ts registers them).
 * Plain N-API (node_api.h) over Float32Arrays owned by JavaScript; no allocation here, no state but
 * OpenBLAS's thread count and the small-product threshold (setSmallGemm). Every entry point checks array lengths
 * before touching memory, so a wrong call throws a TypeError instead of corrupting the heap.
 */
#include <node_api.h>
#include <cblas.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#define MAX_ARGS 12

typedef struct {
  float* data;
  size_t length;
} f32_t;

static napi_value throw_type(napi_env env, const char* msg) {
  napi_throw_type_error(env, NULL, msg);
  return NULL;
}

static int get_f32(napi_env env, napi_value v, f32_t* out) {
  bool is_ta = false;
  if (napi_is_typedarray(env, v, &is_ta) != napi_ok || !is_ta) return 0;
  napi_typedarray_type type;
  size_t length;
  void* data;
  napi_value ab;
  size_t offset;
  if (napi_get_typedarray_info(env, v, &type, &length, &data, &ab, &offset) != napi_ok) return 0;
  if (type != napi_float32_array) return 0;
  out->data = (float*)data;
  out->length = length;
  return 1;
}

/* Int32Array or null/undefined (-> NULL). */
static int get_i32_opt(napi_env env, napi_value v, const int32_t** out, size_t* len) {
  napi_valuetype t;
  napi_typeof(env, v, &t);
  if (t == napi_null || t == napi_undefined) {
    *out = NULL;
    *len = 0;
    return 1;
  }
  bool is_ta = false;
  if (napi_is_typedarray(env, v, &is_ta) != napi_ok || !is_ta) return 0;
  napi_typedarray_type type;
  void* data;
  napi_value ab;
  size_t offset;
  if (napi_get_typedarray_info(env, v, &type, len, &data, &ab, &offset) != napi_ok) return 0;
  if (type != napi_int32_array) return 0;
  *out = (const int32_t*)data;
  return 1;
}

static int get_i64(napi_env env, napi_value v, int64_t* out) { return napi_get_value_int64(env, v, out) == napi_ok; }
static int get_f64(napi_env env, napi_value v, double* out) { return napi_get_value_double(env, v, out) == napi_ok; }
static int get_bool(napi_env env, napi_value v, bool* out) { return napi_get_value_bool(env, v, out) == napi_ok; }

#define ARGS(n)                                                                 \
  size_t argc = MAX_ARGS;                                                       \
  napi_value argv[MAX_ARGS];                                                    \
  napi_get_cb_info(env, info, &argc, argv, NULL, NULL);                         \
  if (argc < (n)) return throw_type(env, "otbook_native: too few arguments");

/* Small-dimension products. When one of m, n, k is tiny (a 2-D point cloud's d = 2 in and out of a hidden layer of
 * 256, in every run of a group), OpenBLAS's sgemm spends most of its time outside the arithmetic: it zeroes C
 * (beta = 0) and packs the large operand before its kernel reads it, three passes over the big matrix where one is
 * enough (measured: 34% of a d = 2 training step in sgemm_beta and the pack copies, 13% in its kernel). These loops
 * stream the large operand once and write C once. Each keeps a fixed order of summation (kk ascending), so a run's
 * result is the same alone and in a group. Where they beat sgemm (measured per layout at h = 256 and 1024, 1 to 24
 * runs, bench/README.md): k ≤ 4, and n or m ≤ 2 (min(small_max, 2)); from d = 4 on, sgemm's packed kernel wins for
 * a small n or m. small_max = 0 turns them off (setSmallGemm; the bench compares both). */
static int64_t small_max = 4;
#define SMALL_SCRATCH 16384 /* floats of stack scratch; bigger small operands go to sgemm */

/* op(A)[i, kk] of row-major A (m×k, or k×m stored when ta). */
#define OPA(i, kk) (ta ? A[(size_t)(kk) * (size_t)m + (size_t)(i)] : A[(size_t)(i) * (size_t)k + (size_t)(kk)])

/* dst (cols × rows) = the transpose of src (rows × cols): a small operand made contiguous along the axis a loop reads. */
static void transpose(float* restrict dst, const float* restrict src, int64_t rows, int64_t cols) {
  for (int64_t c = 0; c < cols; c++)
    for (int64_t r = 0; r < rows; r++) dst[c * rows + r] = src[(size_t)r * (size_t)cols + (size_t)c];
}

/* k small: C's rows are combinations of op(B)'s k rows, each row written once. */
static __attribute__((noinline)) void small_k(bool ta, bool tb, int64_t m, int64_t n, int64_t k, const float* restrict A,
                                              const float* restrict B, float* restrict C, float* restrict bt) {
  const float* rows = B;
  if (tb) {
    transpose(bt, B, n, k);
    rows = bt;
  }
  for (int64_t i = 0; i < m; i++) {
    float* restrict c = C + (size_t)i * (size_t)n;
    const float a0 = OPA(i, 0);
    const float* restrict b0 = rows;
    for (int64_t j = 0; j < n; j++) c[j] = a0 * b0[j];
    for (int64_t kk = 1; kk < k; kk++) {
      const float a = OPA(i, kk);
      const float* restrict b = rows + (size_t)kk * (size_t)n;
      for (int64_t j = 0; j < n; j++) c[j] += a * b[j];
    }
  }
}

/* Σ_kk x[kk]·y[kk] over 8 interleaved partial sums (vectorised), added in a fixed order. */
static inline float dot8(const float* restrict x, const float* restrict y, int64_t len) {
  float s[8] = {0, 0, 0, 0, 0, 0, 0, 0};
  int64_t kk = 0;
  for (; kk + 8 <= len; kk += 8)
    for (int u = 0; u < 8; u++) s[u] += x[kk + u] * y[kk + u];
  for (int u = 0; kk < len; kk++, u++) s[u] += x[kk] * y[kk];
  return ((s[0] + s[1]) + (s[2] + s[3])) + ((s[4] + s[5]) + (s[6] + s[7]));
}

/* acc[p] (P rows of length L, zeroed here) = Σ_kk coef[p·sp + kk·sk] · rows[kk] over the k rows of `rows` (k × L),
 * in kk order: a small product that streams its large operand once, row by row. */
static void accumulate_rows(float* restrict acc, int64_t P, int64_t L, const float* restrict rows, int64_t k,
                            const float* restrict coef, int64_t sp, int64_t sk) {
  for (int64_t x = 0; x < P * L; x++) acc[x] = 0.0f;
  for (int64_t kk = 0; kk < k; kk++) {
    const float* restrict row = rows + (size_t)kk * (size_t)L;
    for (int64_t p = 0; p < P; p++) {
      const float c = coef[(size_t)p * (size_t)sp + (size_t)kk * (size_t)sk];
      float* restrict a = acc + (size_t)p * (size_t)L;
      for (int64_t j = 0; j < L; j++) a[j] += c * row[j];
    }
  }
}

/* n small (a layer's d outputs, or a gradient against them): one pass over the large op(A). */
static __attribute__((noinline)) void small_n(bool ta, bool tb, int64_t m, int64_t n, int64_t k, const float* restrict A,
                                              const float* restrict B, float* restrict C, float* restrict tmp) {
  if (!ta) {
    /* C[i, j] = A's row i · op(B)'s column j, the column made contiguous in tmp [n][k] unless B holds it so. */
    const float* cols = B;
    if (!tb) {
      transpose(tmp, B, k, n);
      cols = tmp;
    }
    for (int64_t i = 0; i < m; i++)
      for (int64_t j = 0; j < n; j++) C[(size_t)i * (size_t)n + (size_t)j] = dot8(A + (size_t)i * (size_t)k, cols + (size_t)j * (size_t)k, k);
    return;
  }
  /* A stored k×m: accumulate tmp[j][i] over A's rows in order (coefficients op(B)[kk, j]), then write C[i, j]. */
  accumulate_rows(tmp, n, m, A, k, B, tb ? k : 1, tb ? 1 : n);
  transpose(C, tmp, n, m);
}

/* m small (a weight gradient xᵀ g with x's d columns): one pass over the large op(B). */
static __attribute__((noinline)) void small_m(bool ta, bool tb, int64_t m, int64_t n, int64_t k, const float* restrict A,
                                              const float* restrict B, float* restrict C, float* restrict tmp) {
  if (!tb) {
    /* C's m rows accumulate B's rows in order, with coefficients op(A)[i, kk]. */
    accumulate_rows(C, m, n, B, k, A, ta ? 1 : k, ta ? m : 1);
    return;
  }
  /* B stored n×k: C[i, j] = op(A)'s row i · B's row j, the row made contiguous in tmp [m][k] unless A holds it so. */
  const float* rows = A;
  if (ta) {
    transpose(tmp, A, k, m);
    rows = tmp;
  }
  for (int64_t i = 0; i < m; i++)
    for (int64_t j = 0; j < n; j++) C[(size_t)i * (size_t)n + (size_t)j] = dot8(rows + (size_t)i * (size_t)k, B + (size_t)j * (size_t)k, k);
}
#undef OPA

/* C (m×n) = op(A)·op(B), row-major, by the small-dimension loops where k ≤ small_max or n or m ≤ min(small_max, 2)
 * and their scratch fits, else one sgemm. m, n, k > 0. */
static void matmul(bool ta, bool tb, int64_t m, int64_t n, int64_t k, const float* A, const float* B, float* C) {
  float scratch[SMALL_SCRATCH];
  if (small_max > 0) {
    const int64_t thin = small_max < 2 ? small_max : 2;
    if (k <= small_max && (!tb || k * n <= SMALL_SCRATCH)) return small_k(ta, tb, m, n, k, A, B, C, scratch);
    if (n <= thin && n * (ta ? m : k) <= SMALL_SCRATCH) return small_n(ta, tb, m, n, k, A, B, C, scratch);
    if (m <= thin && (!tb || !ta || m * k <= SMALL_SCRATCH)) return small_m(ta, tb, m, n, k, A, B, C, scratch);
  }
  cblas_sgemm(CblasRowMajor, ta ? CblasTrans : CblasNoTrans, tb ? CblasTrans : CblasNoTrans, (blasint)m, (blasint)n,
              (blasint)k, 1.0f, A, ta ? (blasint)m : (blasint)k, B, tb ? (blasint)k : (blasint)n, 0.0f, C, (blasint)n);
}

static napi_value set_small_gemm(napi_env env, napi_callback_info info) {
  ARGS(1);
  int64_t v;
  if (!get_i64(env, argv[0], &v) || v < 0) return throw_type(env, "setSmallGemm(maxDim): maxDim must be an integer >= 0");
  small_max = v;
  return NULL;
}

static napi_value get_small_gemm(napi_env env, napi_callback_info info) {
  (void)info;
  napi_value r;
  napi_create_int64(env, small_max, &r);
  return r;
}

/* gemm(transA, transB, m, n, k, a, b, out, batch, aIndex|null, bIndex|null):
 * out[i] (m×n) = op(a[aIndex[i]]) · op(b[bIndex[i]]), row-major; op(a) is m×k, op(b) is k×n. */
static napi_value gemm(napi_env env, napi_callback_info info) {
  ARGS(11);
  bool ta, tb;
  int64_t m, n, k, batch;
  f32_t a, b, out;
  const int32_t *ai, *bi;
  size_t ail, bil;
  if (!get_bool(env, argv[0], &ta) || !get_bool(env, argv[1], &tb) || !get_i64(env, argv[2], &m) ||
      !get_i64(env, argv[3], &n) || !get_i64(env, argv[4], &k) || !get_f32(env, argv[5], &a) ||
      !get_f32(env, argv[6], &b) || !get_f32(env, argv[7], &out) || !get_i64(env, argv[8], &batch) ||
      !get_i32_opt(env, argv[9], &ai, &ail) || !get_i32_opt(env, argv[10], &bi, &bil))
    return throw_type(env, "gemm(transA, transB, m, n, k, a, b, out, batch, aIndex, bIndex): bad argument");
  if (m < 0 || n < 0 || k < 0 || batch < 0) return throw_type(env, "gemm: negative size");
  const size_t sa = (size_t)(m * k), sb = (size_t)(k * n), so = (size_t)(m * n);
  if (out.length < so * (size_t)batch) return throw_type(env, "gemm: out too short");
  if ((ai && ail < (size_t)batch) || (bi && bil < (size_t)batch)) return throw_type(env, "gemm: index too short");
  for (int64_t i = 0; i < batch; i++) {
    const size_t ia = ai ? (size_t)ai[i] : (size_t)i;
    const size_t ib = bi ? (size_t)bi[i] : (size_t)i;
    if ((ia + 1) * sa > a.length || (ib + 1) * sb > b.length) return throw_type(env, "gemm: operand too short");
  }
  for (int64_t i = 0; i < batch; i++) {
    const size_t ia = ai ? (size_t)ai[i] : (size_t)i;
    const size_t ib = bi ? (size_t)bi[i] : (size_t)i;
    float* o = out.data + (size_t)i * so;
    if (k == 0) {
      memset(o, 0, so * sizeof(float));
      continue;
    }
    if (m == 0 || n == 0) continue;
    matmul(ta, tb, m, n, k, a.data + ia * sa, b.data + ib * sb, o);
  }
  return NULL;
}

/* denseForward(x, W, bias|null, out, m, k, n, relu): out = x·W (+ bias on every row), then max(·, 0) when
 * relu; x [m, k], W [k, n], bias [n], out [m, n], row-major. A dense layer's forward pass in one call instead
 * of three kernels; the same float operations in the same order as sgemm, then Add, then Relu. */
static __attribute__((noinline)) void bias_relu(float* restrict o, const float* restrict b, int64_t m, int64_t n, bool relu) {
  for (int64_t i = 0; i < m; i++) {
    float* restrict row = o + (size_t)(i * n);
    if (b)
      for (int64_t j = 0; j < n; j++) row[j] += b[j];
    if (relu)
      for (int64_t j = 0; j < n; j++) row[j] = row[j] < 0.0f ? 0.0f : row[j];
  }
}

static int get_f32_opt(napi_env env, napi_value v, f32_t* out) {
  napi_valuetype t;
  napi_typeof(env, v, &t);
  if (t == napi_null || t == napi_undefined) {
    out->data = NULL;
    out->length = 0;
    return 1;
  }
  return get_f32(env, v, out);
}

static napi_value dense_forward(napi_env env, napi_callback_info info) {
  ARGS(8);
  f32_t x, w, b, out;
  int64_t m, k, n;
  bool relu;
  if (!get_f32(env, argv[0], &x) || !get_f32(env, argv[1], &w) || !get_f32_opt(env, argv[2], &b) ||
      !get_f32(env, argv[3], &out) || !get_i64(env, argv[4], &m) || !get_i64(env, argv[5], &k) ||
      !get_i64(env, argv[6], &n) || !get_bool(env, argv[7], &relu))
    return throw_type(env, "denseForward(x, W, bias, out, m, k, n, relu): bad argument");
  if (m < 0 || k < 0 || n < 0) return throw_type(env, "denseForward: negative size");
  if (x.length != (size_t)(m * k) || w.length != (size_t)(k * n) || out.length != (size_t)(m * n) ||
      (b.data && b.length != (size_t)n))
    return throw_type(env, "denseForward: operand length mismatch");
  if (m == 0 || n == 0) return NULL;
  if (k == 0)
    memset(out.data, 0, out.length * sizeof(float));
  else
    matmul(false, false, m, n, k, x.data, w.data, out.data);
  bias_relu(out.data, b.data, m, n, relu);
  return NULL;
}

/* denseForwardBatch(x, W, bias|null, out, runs, m, k, n, relu): denseForward for each of `runs` independent
 * layers in one call: x [runs, m, k], W [runs, k, n], bias [runs, n], out [runs, m, n], all row-major. Run r's
 * block is computed by exactly the calls denseForward makes for it alone (one sgemm, then bias and ReLU), so a
 * run's result does not depend on the other runs of its group. */
static napi_value dense_forward_batch(napi_env env, napi_callback_info info) {
  ARGS(9);
  f32_t x, w, b, out;
  int64_t runs, m, k, n;
  bool relu;
  if (!get_f32(env, argv[0], &x) || !get_f32(env, argv[1], &w) || !get_f32_opt(env, argv[2], &b) ||
      !get_f32(env, argv[3], &out) || !get_i64(env, argv[4], &runs) || !get_i64(env, argv[5], &m) ||
      !get_i64(env, argv[6], &k) || !get_i64(env, argv[7], &n) || !get_bool(env, argv[8], &relu))
    return throw_type(env, "denseForwardBatch(x, W, bias, out, runs, m, k, n, relu): bad argument");
  if (runs < 0 || m < 0 || k < 0 || n < 0) return throw_type(env, "denseForwardBatch: negative size");
  const size_t sx = (size_t)(m * k), sw = (size_t)(k * n), so = (size_t)(m * n);
  if (x.length != sx * (size_t)runs || w.length != sw * (size_t)runs || out.length != so * (size_t)runs ||
      (b.data && b.length != (size_t)(n * runs)))
    return throw_type(env, "denseForwardBatch: operand length mismatch");
  if (m == 0 || n == 0) return NULL;
  for (int64_t r = 0; r < runs; r++) {
    float* o = out.data + (size_t)r * so;
    if (k == 0)
      memset(o, 0, so * sizeof(float));
    else
      matmul(false, false, m, n, k, x.data + (size_t)r * sx, w.data + (size_t)r * sw, o);
    bias_relu(o, b.data ? b.data + (size_t)(r * n) : NULL, m, n, relu);
  }
  return NULL;
}

/* sumRowsBatch(x, out, runs, rows, cols): out[r, j] = Σ_i x[r, i, j], x [runs, rows, cols], out [runs, cols]. Each
 * run's sums are accumulated in float in row order, exactly as reduceSum's leading reduction does for one run
 * (a dense layer's bias gradient): so a run's bias gradient is the same alone and in a group. */
static napi_value sum_rows_batch(napi_env env, napi_callback_info info) {
  ARGS(5);
  f32_t x, o;
  int64_t runs, rows, cols;
  if (!get_f32(env, argv[0], &x) || !get_f32(env, argv[1], &o) || !get_i64(env, argv[2], &runs) ||
      !get_i64(env, argv[3], &rows) || !get_i64(env, argv[4], &cols))
    return throw_type(env, "sumRowsBatch(x, out, runs, rows, cols): bad argument");
  if (runs < 0 || rows < 0 || cols < 0 || x.length != (size_t)(runs * rows * cols) || o.length != (size_t)(runs * cols))
    return throw_type(env, "sumRowsBatch: bad shape");
  for (int64_t r = 0; r < runs; r++) {
    float* restrict O = o.data + (size_t)(r * cols);
    const float* X = x.data + (size_t)(r * rows * cols);
    memset(O, 0, (size_t)cols * sizeof(float));
    for (int64_t i = 0; i < rows; i++) {
      const float* row = X + (size_t)(i * cols);
      for (int64_t j = 0; j < cols; j++) O[j] += row[j];
    }
  }
  return NULL;
}

/* sigmoid(x, out, unsure): out[i] = (float)(1 / (1 + exp(-x[i]))) computed in double, the expression of tfjs's
 * JS kernel, whose exp is V8's Math.exp (faithful: < 1 ulp). The C library's exp is within a few ulps of the true
 * value too, and so is our double result of V8's; the float32 rounding of the JS result is therefore the same as ours
 * unless ours lies within a margin (2^-44 relative, hundreds of ulps) of a float32 rounding boundary. Such elements
 * (a fraction of about 2^-20), and NaN, are listed in `unsure` for the caller to compute with Math.exp itself, so
 * that the result is bit for bit the JS kernel's whatever the last bits of our exp. Returns how many were listed,
 * or -1 when more than unsure.length (the caller then computes everything). */

/* exp(t) in double for |t| ≤ 700, four at a time in GCC/Clang vector types and without a libm call (libm's scalar
 * exp made the kernel 7.2 ns per element, this 4.2: a quarter of a DIOTM step is SiLU's sigmoid): t = k·ln2 + r with |r| ≤ ln2/2 (k rounded by the
 * 1.5·2^52 trick, ln2 split in two so that k·ln2_hi is exact), exp(r) by its Taylor series to r^13/13! (truncation
 * below 1e-17 relative), 2^k from the exponent bits. Relative error a few 1e-16: far inside the 2^-44 margin with
 * which sigmoid_block decides that its float rounding equals the one of JavaScript's Math.exp, so the result stays
 * bit for bit the JS kernel's. (Written with vector types because GCC 12 does not vectorise the scalar form.) */
typedef double v4d __attribute__((vector_size(32)));
typedef int64_t v4l __attribute__((vector_size(32)));

static inline v4d exp_bounded4(v4d t) {
  const v4d shifter = {0x1.8p52, 0x1.8p52, 0x1.8p52, 0x1.8p52};
  const v4d kd = t * 0x1.71547652b82fep0 + shifter;
  const v4d k = kd - shifter;
  const v4d r = (t - k * 0x1.62e42fee00000p-1) - k * 0x1.a39ef35793c76p-33;
  v4d p = r * (1.0 / 6227020800.0) + 1.0 / 479001600.0;
  p = p * r + 1.0 / 39916800.0;
  p = p * r + 1.0 / 3628800.0;
  p = p * r + 1.0 / 362880.0;
  p = p * r + 1.0 / 40320.0;
  p = p * r + 1.0 / 5040.0;
  p = p * r + 1.0 / 720.0;
  p = p * r + 1.0 / 120.0;
  p = p * r + 1.0 / 24.0;
  p = p * r + 1.0 / 6.0;
  p = p * r + 0.5;
  p = p * r + 1.0;
  p = p * r + 1.0;
  const v4l scale = ((v4l)kd - (v4l)shifter + 1023) << 52;
  return p * (v4d)scale;
}

/* 1 / (1 + exp(−x)) in double for 4 floats; beyond |x| = 700 the float result is already exact (0 or 1) whatever
 * the double's tail, so x is clamped there (NaN is flagged by the caller and recomputed in JavaScript). */
static inline v4d sigmoid4(const float* x) {
  v4d t = {-(double)x[0], -(double)x[1], -(double)x[2], -(double)x[3]};
  const v4d hi = {700.0, 700.0, 700.0, 700.0};
  const v4d lo = -hi;
  v4l above = t > hi, below = t < lo;
  t = (v4d)(((v4l)t & ~above) | ((v4l)hi & above));
  t = (v4d)(((v4l)t & ~below) | ((v4l)lo & below));
  return 1.0 / (1.0 + exp_bounded4(t));
}

/* o[i] = the float32 rounding of c = 1 / (1 + exp(−x[i])) in double, and flag[i] ≠ 0 where that rounding is not
 * certain (c within the margin of a float32 boundary, or x NaN). */
static __attribute__((noinline)) void sigmoid_block(const float* restrict x, float* restrict o, int32_t* restrict flag, size_t n) {
  double c[1024];
  size_t i = 0;
  for (; i + 4 <= n; i += 4) {
    const v4d v = sigmoid4(x + i);
    memcpy(c + i, &v, sizeof v);
  }
  if (i < n) {
    float pad[4] = {0, 0, 0, 0};
    memcpy(pad, x + i, (n - i) * sizeof(float));
    const v4d v = sigmoid4(pad);
    memcpy(c + i, &v, (n - i) * sizeof(double));
  }
  for (i = 0; i < n; i++) {
    o[i] = (float)c[i];
    const double margin = fabs(c[i]) * 0x1p-44 + 0x1p-1000;
    flag[i] = (x[i] != x[i]) | ((float)(c[i] - margin) != o[i]) | ((float)(c[i] + margin) != o[i]);
  }
}

static __attribute__((noinline)) int64_t sigmoid_loop(const float* restrict x, float* restrict o, size_t n, int32_t* restrict unsure, size_t cap) {
  int32_t flag[1024];
  size_t count = 0;
  for (size_t s = 0; s < n; s += 1024) {
    const size_t m = n - s < 1024 ? n - s : 1024;
    sigmoid_block(x + s, o + s, flag, m);
    for (size_t i = 0; i < m; i++) {
      if (flag[i]) {
        if (count == cap) return -1;
        unsure[count++] = (int32_t)(s + i);
      }
    }
  }
  return (int64_t)count;
}

static napi_value sigmoid(napi_env env, napi_callback_info info) {
  ARGS(3);
  f32_t x, out;
  const int32_t* unsure_c;
  size_t cap;
  if (!get_f32(env, argv[0], &x) || !get_f32(env, argv[1], &out) || !get_i32_opt(env, argv[2], &unsure_c, &cap) || !unsure_c)
    return throw_type(env, "sigmoid(x, out, unsure): bad argument");
  if (x.length != out.length || x.length > 0x7fffffff) return throw_type(env, "sigmoid: length mismatch");
  napi_value r;
  napi_create_int64(env, sigmoid_loop(x.data, out.data, x.length, (int32_t*)unsure_c, cap), &r);
  return r;
}

/* trig(op, x, out, unsure): out[i] = (float)sin(x[i]) (op 0) or (float)cos(x[i]) (op 1), computed in double, as the
 * JS Sin and Cos kernels compute them with V8's Math.sin and Math.cos (both within 1 ulp of the true value, as the C
 * library's are, so the two doubles differ by at most 2 ulp). Their float32 roundings therefore agree unless ours lies
 * within a margin (2^-44 relative) of a rounding boundary; such elements, and non-finite inputs, are listed in
 * `unsure` for the caller to compute with Math.sin or Math.cos itself, so the result is bit for bit the JS kernel's.
 * Returns how many were listed, or -1 when more than unsure.length (the caller then computes everything). */
static __attribute__((noinline)) int64_t trig_loop(int op, const float* restrict x, float* restrict o, size_t n, int32_t* restrict unsure, size_t cap) {
  size_t count = 0;
  for (size_t i = 0; i < n; i++) {
    const double v = (double)x[i];
    const double c = op == 0 ? sin(v) : cos(v);
    const float f = (float)c;
    o[i] = f;
    const double margin = fabs(c) * 0x1p-44 + 0x1p-1000;
    if (v - v != 0.0 || (float)(c - margin) != f || (float)(c + margin) != f) {
      if (count == cap) return -1;
      unsure[count++] = (int32_t)i;
    }
  }
  return (int64_t)count;
}

static napi_value trig(napi_env env, napi_callback_info info) {
  ARGS(4);
  int64_t op;
  f32_t x, out;
  const int32_t* unsure_c;
  size_t cap;
  if (!get_i64(env, argv[0], &op) || (op != 0 && op != 1) || !get_f32(env, argv[1], &x) || !get_f32(env, argv[2], &out) ||
      !get_i32_opt(env, argv[3], &unsure_c, &cap) || !unsure_c)
    return throw_type(env, "trig(op, x, out, unsure): bad argument");
  if (x.length != out.length || x.length > 0x7fffffff) return throw_type(env, "trig: length mismatch");
  napi_value r;
  napi_create_int64(env, trig_loop((int)op, x.data, out.data, x.length, (int32_t*)unsure_c, cap), &r);
  return r;
}

/* reluGrad(dy, y, out): out = dy · step(y), the gradient of a ReLU from its output y (y > 0 exactly where its
 * input was), one pass instead of Step then Multiply; NaN in y propagates as it does through those two kernels. */
static __attribute__((noinline)) void relu_grad_loop(const float* restrict dy, const float* restrict y, float* restrict o, size_t n) {
  // Written as select-then-multiply so that GCC vectorises it (a nested conditional with the product inside
  // compiled to a branch per element here, 40× slower on random signs). One loop, not a step pass then a product
  // pass: the same products, one pass over memory less (0.24 against 0.29 ns per element at 24 runs of 128 × 256).
  for (size_t i = 0; i < n; i++) {
    const float v = y[i];
    const float step = v != v ? v : (v > 0.0f ? 1.0f : 0.0f);
    o[i] = step * dy[i];
  }
}

static napi_value relu_grad(napi_env env, napi_callback_info info) {
  ARGS(3);
  f32_t dy, y, out;
  if (!get_f32(env, argv[0], &dy) || !get_f32(env, argv[1], &y) || !get_f32(env, argv[2], &out))
    return throw_type(env, "reluGrad(dy, y, out): bad argument");
  if (dy.length != y.length || out.length != y.length) return throw_type(env, "reluGrad: length mismatch");
  relu_grad_loop(dy.data, y.data, out.data, y.length);
  return NULL;
}

/* The loops live in their own functions with restrict parameters: GCC vectorises them there (sqrtf needs
 * -fno-math-errno too), not when inlined into the N-API wrapper. */
static __attribute__((noinline)) void adam_inplace(float* restrict p, const float* restrict g, float* restrict m,
                                                    float* restrict v, size_t n, float b1, float ob1, float b2,
                                                    float ob2, float step, float c2, float eps) {
  for (size_t i = 0; i < n; i++) {
    const float gi = g[i];
    const float mi = b1 * m[i] + ob1 * gi;
    const float vi = b2 * v[i] + ob2 * (gi * gi);
    m[i] = mi;
    v[i] = vi;
    p[i] = p[i] - (step * mi) / (sqrtf(c2 * vi) + eps);
  }
}

static __attribute__((noinline)) void adam_out(const float* restrict p, const float* restrict g, float* restrict m,
                                                float* restrict v, float* restrict o, size_t n, float b1, float ob1,
                                                float b2, float ob2, float step, float c2, float eps) {
  for (size_t i = 0; i < n; i++) {
    const float gi = g[i];
    const float mi = b1 * m[i] + ob1 * gi;
    const float vi = b2 * v[i] + ob2 * (gi * gi);
    m[i] = mi;
    v[i] = vi;
    o[i] = p[i] - (step * mi) / (sqrtf(c2 * vi) + eps);
  }
}

/* adam(p, g, m, v, out, lr, beta1, beta2, eps, c1, c2): torch's Adam; out may be p. */
static napi_value adam(napi_env env, napi_callback_info info) {
  ARGS(11);
  f32_t p, g, m, v, o;
  double lr, b1, b2, eps, c1, c2;
  if (!get_f32(env, argv[0], &p) || !get_f32(env, argv[1], &g) || !get_f32(env, argv[2], &m) ||
      !get_f32(env, argv[3], &v) || !get_f32(env, argv[4], &o) || !get_f64(env, argv[5], &lr) ||
      !get_f64(env, argv[6], &b1) || !get_f64(env, argv[7], &b2) || !get_f64(env, argv[8], &eps) ||
      !get_f64(env, argv[9], &c1) || !get_f64(env, argv[10], &c2))
    return throw_type(env, "adam(p, g, m, v, out, lr, beta1, beta2, eps, c1, c2): bad argument");
  const size_t n = p.length;
  if (g.length != n || m.length != n || v.length != n || o.length != n) return throw_type(env, "adam: length mismatch");
  const float fb1 = (float)b1, fob1 = (float)(1.0 - b1), fb2 = (float)b2, fob2 = (float)(1.0 - b2);
  const float step = (float)(lr * c1), fc2 = (float)c2, feps = (float)eps;
  if (o.data == p.data)
    adam_inplace(p.data, g.data, m.data, v.data, n, fb1, fob1, fb2, fob2, step, fc2, feps);
  else
    adam_out(p.data, g.data, m.data, v.data, o.data, n, fb1, fob1, fb2, fob2, step, fc2, feps);
  return NULL;
}

/* binary(op, a, b, out, mode, inner). ops: 0 add, 1 sub, 2 mul, 3 div, 4 squared difference.
 * modes: 0 same length; 1 b[i % inner]; 2 a[i % inner]; 3 b[i / inner]; 4 a[i / inner]. */
#define BIN_LOOP(EXPR)                                                                            \
  switch (mode) {                                                                                 \
    case 0:                                                                                       \
      for (size_t i = 0; i < n; i++) { const float x = A[i], y = B[i]; O[i] = (EXPR); }           \
      break;                                                                                      \
    case 1:                                                                                       \
      for (size_t r = 0; r < n; r += inner)                                                       \
        for (size_t j = 0; j < inner; j++) { const float x = A[r + j], y = B[j]; O[r + j] = (EXPR); } \
      break;                                                                                      \
    case 2:                                                                                       \
      for (size_t r = 0; r < n; r += inner)                                                       \
        for (size_t j = 0; j < inner; j++) { const float x = A[j], y = B[r + j]; O[r + j] = (EXPR); } \
      break;                                                                                      \
    case 3:                                                                                       \
      for (size_t r = 0, q = 0; r < n; r += inner, q++) {                                         \
        const float y = B[q];                                                                     \
        for (size_t j = 0; j < inner; j++) { const float x = A[r + j]; O[r + j] = (EXPR); }       \
      }                                                                                           \
      break;                                                                                      \
    default:                                                                                      \
      for (size_t r = 0, q = 0; r < n; r += inner, q++) {                                         \
        const float x = A[q];                                                                     \
        for (size_t j = 0; j < inner; j++) { const float y = B[r + j]; O[r + j] = (EXPR); }       \
      }                                                                                           \
  }

static napi_value binary(napi_env env, napi_callback_info info) {
  ARGS(6);
  int64_t op, mode, inner64;
  f32_t a, b, o;
  if (!get_i64(env, argv[0], &op) || !get_f32(env, argv[1], &a) || !get_f32(env, argv[2], &b) ||
      !get_f32(env, argv[3], &o) || !get_i64(env, argv[4], &mode) || !get_i64(env, argv[5], &inner64))
    return throw_type(env, "binary(op, a, b, out, mode, inner): bad argument");
  const size_t n = o.length;
  const size_t inner = inner64 > 0 ? (size_t)inner64 : 1;
  if (mode < 0 || mode > 4 || op < 0 || op > 4) return throw_type(env, "binary: bad op or mode");
  if (mode != 0 && n % inner != 0) return throw_type(env, "binary: inner does not divide length");
  const size_t outer = mode == 0 ? n : n / inner;
  const size_t need_a = mode == 2 ? inner : mode == 4 ? outer : n;
  const size_t need_b = mode == 1 ? inner : mode == 3 ? outer : n;
  if (a.length != need_a || b.length != need_b) return throw_type(env, "binary: operand length mismatch");
  const float* restrict A = a.data;
  const float* restrict B = b.data;
  float* O = o.data;
  switch (op) {
    case 0: BIN_LOOP(x + y); break;
    case 1: BIN_LOOP(x - y); break;
    case 2: BIN_LOOP(x * y); break;
    case 3: BIN_LOOP(x / y); break;
    default: BIN_LOOP((x - y) * (x - y)); break;
  }
  return NULL;
}

/* unary(op, x, out, alpha). ops: 0 relu, 1 step (x > 0 ? 1 : alpha; NaN stays NaN), 2 square, 3 sqrt,
 * 4 neg, 5 scale (alpha·x), 6 relu6. NaN handling follows tfjs's cpu kernels. */
static napi_value unary(napi_env env, napi_callback_info info) {
  ARGS(4);
  int64_t op;
  f32_t x, o;
  double alpha;
  if (!get_i64(env, argv[0], &op) || !get_f32(env, argv[1], &x) || !get_f32(env, argv[2], &o) ||
      !get_f64(env, argv[3], &alpha))
    return throw_type(env, "unary(op, x, out, alpha): bad argument");
  if (x.length != o.length) return throw_type(env, "unary: length mismatch");
  const size_t n = x.length;
  const float* restrict X = x.data;
  float* restrict O = o.data;
  const float fa = (float)alpha;
  switch (op) {
    case 0: for (size_t i = 0; i < n; i++) { const float v = X[i]; O[i] = v < 0.0f ? 0.0f : v; } break;
    case 1: for (size_t i = 0; i < n; i++) { const float v = X[i]; O[i] = v != v ? v : (v > 0.0f ? 1.0f : fa); } break;
    case 2: for (size_t i = 0; i < n; i++) O[i] = X[i] * X[i]; break;
    case 3: for (size_t i = 0; i < n; i++) O[i] = sqrtf(X[i]); break;
    case 4: for (size_t i = 0; i < n; i++) O[i] = -X[i]; break;
    case 5: for (size_t i = 0; i < n; i++) O[i] = fa * X[i]; break;
    case 6: for (size_t i = 0; i < n; i++) { const float v = X[i]; O[i] = v < 0.0f ? 0.0f : (v > 6.0f ? 6.0f : v); } break;
    default: return throw_type(env, "unary: bad op");
  }
  return NULL;
}

/* reduceSum(x, outer, inner, out, leading): leading ? out[j] = Σ_i x[i·inner + j] (length inner)
 *                                                   : out[i] = Σ_j x[i·inner + j] (length outer). */
static napi_value reduce_sum(napi_env env, napi_callback_info info) {
  ARGS(5);
  f32_t x, o;
  int64_t outer, inner;
  bool leading;
  if (!get_f32(env, argv[0], &x) || !get_i64(env, argv[1], &outer) || !get_i64(env, argv[2], &inner) ||
      !get_f32(env, argv[3], &o) || !get_bool(env, argv[4], &leading))
    return throw_type(env, "reduceSum(x, outer, inner, out, leading): bad argument");
  if (outer < 0 || inner < 0 || x.length != (size_t)(outer * inner)) return throw_type(env, "reduceSum: bad shape");
  if (o.length != (size_t)(leading ? inner : outer)) return throw_type(env, "reduceSum: bad out length");
  const float* restrict X = x.data;
  float* restrict O = o.data;
  if (leading) {
    memset(O, 0, (size_t)inner * sizeof(float));
    for (int64_t i = 0; i < outer; i++) {
      const float* row = X + (size_t)(i * inner);
      for (int64_t j = 0; j < inner; j++) O[j] += row[j];
    }
  } else {
    for (int64_t i = 0; i < outer; i++) {
      const float* row = X + (size_t)(i * inner);
      double s = 0.0;
      for (int64_t j = 0; j < inner; j++) s += row[j];
      O[i] = (float)s;
    }
  }
  return NULL;
}

/* meanRows(x, outer, inner, out): out[i] = the mean of row i of x [outer, inner], computed as tfjs's JS Mean kernel
 * computes it for a reduction over trailing axes: each value divided by the row length first and rounded to float
 * (its RealDiv into a float32 array), then those quotients added in double in row order and rounded once (its Sum).
 * So the result is bit for bit the JS kernel's, in one pass instead of a cast, a division and a sum. */
static __attribute__((noinline)) void mean_rows_loop(const float* restrict x, float* restrict o, int64_t outer, int64_t inner) {
  const double n = (double)(float)inner;
  for (int64_t i = 0; i < outer; i++) {
    const float* row = x + (size_t)(i * inner);
    double s = 0.0;
    for (int64_t j = 0; j < inner; j++) s += (double)(float)((double)row[j] / n);
    o[i] = (float)s;
  }
}

static napi_value mean_rows(napi_env env, napi_callback_info info) {
  ARGS(4);
  f32_t x, o;
  int64_t outer, inner;
  if (!get_f32(env, argv[0], &x) || !get_i64(env, argv[1], &outer) || !get_i64(env, argv[2], &inner) || !get_f32(env, argv[3], &o))
    return throw_type(env, "meanRows(x, outer, inner, out): bad argument");
  if (outer < 0 || inner < 1 || x.length != (size_t)(outer * inner) || o.length != (size_t)outer) return throw_type(env, "meanRows: bad shape");
  mean_rows_loop(x.data, o.data, outer, inner);
  return NULL;
}

static napi_value set_num_threads(napi_env env, napi_callback_info info) {
  ARGS(1);
  int64_t n;
  if (!get_i64(env, argv[0], &n) || n < 1) return throw_type(env, "setNumThreads(n): n must be an integer >= 1");
  openblas_set_num_threads((int)n);
  return NULL;
}

static napi_value num_threads(napi_env env, napi_callback_info info) {
  (void)info;
  napi_value r;
  napi_create_int32(env, openblas_get_num_threads(), &r);
  return r;
}

static napi_value config(napi_env env, napi_callback_info info) {
  (void)info;
  napi_value r;
  const char* c = openblas_get_config();
  napi_create_string_utf8(env, c ? c : "unknown", NAPI_AUTO_LENGTH, &r);
  return r;
}

static napi_value init(napi_env env, napi_value exports) {
  napi_property_descriptor props[] = {
      {"gemm", NULL, gemm, NULL, NULL, NULL, napi_enumerable, NULL},
      {"adam", NULL, adam, NULL, NULL, NULL, napi_enumerable, NULL},
      {"binary", NULL, binary, NULL, NULL, NULL, napi_enumerable, NULL},
      {"unary", NULL, unary, NULL, NULL, NULL, napi_enumerable, NULL},
      {"denseForward", NULL, dense_forward, NULL, NULL, NULL, napi_enumerable, NULL},
      {"reluGrad", NULL, relu_grad, NULL, NULL, NULL, napi_enumerable, NULL},
      {"denseForwardBatch", NULL, dense_forward_batch, NULL, NULL, NULL, napi_enumerable, NULL},
      {"sumRowsBatch", NULL, sum_rows_batch, NULL, NULL, NULL, napi_enumerable, NULL},
      {"sigmoid", NULL, sigmoid, NULL, NULL, NULL, napi_enumerable, NULL},
      {"reduceSum", NULL, reduce_sum, NULL, NULL, NULL, napi_enumerable, NULL},
      {"setNumThreads", NULL, set_num_threads, NULL, NULL, NULL, napi_enumerable, NULL},
      {"numThreads", NULL, num_threads, NULL, NULL, NULL, napi_enumerable, NULL},
      {"config", NULL, config, NULL, NULL, NULL, napi_enumerable, NULL},
      {"setSmallGemm", NULL, set_small_gemm, NULL, NULL, NULL, napi_enumerable, NULL},
      {"smallGemm", NULL, get_small_gemm, NULL, NULL, NULL, napi_enumerable, NULL},
      {"meanRows", NULL, mean_rows, NULL, NULL, NULL, napi_enumerable, NULL},
      {"trig", NULL, trig, NULL, NULL, NULL, napi_enumerable, NULL},
  };
  napi_define_properties(env, exports, sizeof(props) / sizeof(props[0]), props);
  napi_value version;
  napi_create_int32(env, 8, &version);
  napi_set_named_property(env, exports, "abiVersion", version);
  return exports;
}

NAPI_MODULE(NODE_GYP_MODULE_NAME, init)
