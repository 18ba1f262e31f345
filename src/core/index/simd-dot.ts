// A 200-byte WebAssembly SIMD kernel for the vector scan: int8 × int8 dot products of one query
// against every stored row, 16 dimensions per step (i16x8 widening + i32x4.dot_i16x8_s). V8 cannot
// vectorize the equivalent JavaScript loop; this runs the 100k × 384 scan several times faster.
// When WebAssembly SIMD is unavailable the caller falls back to the JavaScript loop.
//
// dots(q, data, rows, dims, out): for r < rows, out[r] = Σ_i q[i] · data[r·dims + i]  (dims % 16 == 0)

import { f, I32_ADD, I32_LT_U, i32Const, kernel, localGet, localSet, localTee } from "./wasm-kernel";

const SIMD = 0xfd;
const v128Load = f(SIMD, 0x00, 0x00, 0x00);
const extLow = f(SIMD, 0x87, 0x01);
const extHigh = f(SIMD, 0x88, 0x01);
const dot = f(SIMD, 0xba, 0x01);
const add4 = f(SIMD, 0xae, 0x01);
const lane = (n: number) => f(SIMD, 0x1b, n);

// params: 0 q, 1 data (advanced row by row), 2 rows, 3 dims, 4 out; locals: 5 r, 6 i, 7 acc, 8 qv, 9 dv
const body = [
  0x02, 0x02, 0x7f, 0x03, 0x7b, // locals: 2 × i32, 3 × v128
  ...localGet(2), 0x45, 0x04, 0x40, 0x0f, 0x0b, // if rows == 0 return
  0x03, 0x40, // loop rows
  ...i32Const(0), SIMD, 0x11, ...localSet(7), // acc = 0
  ...i32Const(0), ...localSet(6), // i = 0
  0x03, 0x40, // loop dims
  ...localGet(0), ...localGet(6), I32_ADD, ...v128Load, ...localSet(8),
  ...localGet(1), ...localGet(6), I32_ADD, ...v128Load, ...localSet(9),
  ...localGet(7),
  ...localGet(8), ...extLow, ...localGet(9), ...extLow, ...dot, ...add4,
  ...localGet(8), ...extHigh, ...localGet(9), ...extHigh, ...dot, ...add4,
  ...localSet(7),
  ...localGet(6), ...i32Const(16), I32_ADD, ...localTee(6), ...localGet(3), I32_LT_U, 0x0d, 0x00, // i += 16; loop while i < dims
  0x0b,
  ...localGet(4), ...localGet(5), ...i32Const(2), 0x74, I32_ADD, // &out[r]
  ...localGet(7), ...lane(0), ...localGet(7), ...lane(1), I32_ADD, ...localGet(7), ...lane(2), I32_ADD, ...localGet(7), ...lane(3), I32_ADD,
  0x36, 0x02, 0x00, // i32.store
  ...localGet(1), ...localGet(3), I32_ADD, ...localSet(1), // data += dims
  ...localGet(5), ...i32Const(1), I32_ADD, ...localTee(5), ...localGet(2), I32_LT_U, 0x0d, 0x00, // r++; loop while r < rows
  0x0b,
  0x0b,
];

export type DotsFn = (q: number, data: number, rows: number, dims: number, out: number) => void;

const DOTS = kernel<DotsFn>("dots", body);

/** The compiled kernel, or null where WebAssembly SIMD is not available. */
export function simdModule(): WebAssembly.Module | null {
  return DOTS.module();
}

export function instantiateDots(memory: WebAssembly.Memory): DotsFn | null {
  return DOTS.instantiate(memory);
}
