// A small hand-assembled WebAssembly kernel for the binary prefilter: Hamming distances between one
// query's sign bits and every stored row's, 64 bits per step (i64.xor + i64.popcnt, both WebAssembly
// 1.0, so no SIMD support is needed). V8 has no popcount for JavaScript numbers; the equivalent
// JavaScript loop does a dozen operations per 32-bit word instead of one instruction per 64 bits.
//
// hamming(q, data, rows, rowBytes, out): for r < rows,
//   out[r] = popcount(q[0..rowBytes) xor data[r·rowBytes .. (r+1)·rowBytes))   (rowBytes % 8 == 0)

import { f, I32_ADD, I32_LT_U, i32Const, kernel, localGet, localSet, localTee } from "./wasm-kernel";

const i64Load = f(0x29, 0x03, 0x00);
const I64_XOR = 0x85;
const I64_POPCNT = 0x7b;
const I64_ADD = 0x7c;
const i64Store32 = f(0x3e, 0x02, 0x00);

// params: 0 q, 1 data (advanced row by row), 2 rows, 3 rowBytes, 4 out; locals: 5 r, 6 i, 7 acc (i64)
const body = [
  0x02, 0x02, 0x7f, 0x01, 0x7e, // locals: 2 × i32, 1 × i64
  ...localGet(2), 0x45, 0x04, 0x40, 0x0f, 0x0b, // if rows == 0 return
  0x03, 0x40, // loop rows
  0x42, 0x00, ...localSet(7), // acc = 0
  ...i32Const(0), ...localSet(6), // i = 0
  0x03, 0x40, // loop words
  ...localGet(7),
  ...localGet(0), ...localGet(6), I32_ADD, ...i64Load,
  ...localGet(1), ...localGet(6), I32_ADD, ...i64Load,
  I64_XOR, I64_POPCNT, I64_ADD, ...localSet(7),
  ...localGet(6), ...i32Const(8), I32_ADD, ...localTee(6), ...localGet(3), I32_LT_U, 0x0d, 0x00, // i += 8; loop while i < rowBytes
  0x0b,
  ...localGet(4), ...localGet(5), ...i32Const(2), 0x74, I32_ADD, ...localGet(7), ...i64Store32, // out[r] = acc
  ...localGet(1), ...localGet(3), I32_ADD, ...localSet(1), // data += rowBytes
  ...localGet(5), ...i32Const(1), I32_ADD, ...localTee(5), ...localGet(2), I32_LT_U, 0x0d, 0x00, // r++; loop while r < rows
  0x0b,
  0x0b,
];

export type HammingFn = (q: number, data: number, rows: number, rowBytes: number, out: number) => void;

const HAMMING = kernel<HammingFn>("hamming", body);

/** The compiled kernel, or null where WebAssembly is not available. */
export function hammingModule(): WebAssembly.Module | null {
  return HAMMING.module();
}

export function instantiateHamming(memory: WebAssembly.Memory): HammingFn | null {
  return HAMMING.instantiate(memory);
}
