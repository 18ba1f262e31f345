// A small hand-assembled WebAssembly kernel for the binary prefilter: Hamming distances between one
// query's sign bits and every stored row's, 64 bits per step (i64.xor + i64.popcnt, both WebAssembly
// 1.0, so no SIMD support is needed). V8 has no popcount for JavaScript numbers; the equivalent
// JavaScript loop does a dozen operations per 32-bit word instead of one instruction per 64 bits.
//
// hamming(q, data, rows, rowBytes, out): for r < rows,
//   out[r] = popcount(q[0..rowBytes) xor data[r·rowBytes .. (r+1)·rowBytes))   (rowBytes % 8 == 0)

const f = (...ops: number[]) => ops;
const localGet = (i: number) => f(0x20, i);
const localSet = (i: number) => f(0x21, i);
const localTee = (i: number) => f(0x22, i);
const i32Const = (v: number) => f(0x41, v); // valid for 0..63 as a one-byte LEB128
const I32_ADD = 0x6a;
const I32_LT_U = 0x49;
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

function leb(n: number): number[] {
  const out: number[] = [];
  do {
    let b = n & 0x7f;
    n >>>= 7;
    if (n) b |= 0x80;
    out.push(b);
  } while (n);
  return out;
}

const section = (id: number, content: number[]) => [id, ...leb(content.length), ...content];
const name = (s: string) => [s.length, ...Array.from(s, (c) => c.charCodeAt(0))];

const MODULE_BYTES = new Uint8Array([
  0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
  ...section(1, [0x01, 0x60, 0x05, 0x7f, 0x7f, 0x7f, 0x7f, 0x7f, 0x00]),
  ...section(2, [0x01, ...name("env"), ...name("mem"), 0x02, 0x00, 0x01]),
  ...section(3, [0x01, 0x00]),
  ...section(7, [0x01, ...name("hamming"), 0x00, 0x00]),
  ...section(10, [0x01, ...leb(body.length), ...body]),
]);

export type HammingFn = (q: number, data: number, rows: number, rowBytes: number, out: number) => void;

let compiled: WebAssembly.Module | null | undefined;

/** The compiled kernel, or null where WebAssembly is not available. */
export function hammingModule(): WebAssembly.Module | null {
  if (compiled !== undefined) return compiled;
  try {
    compiled = typeof WebAssembly === "object" && WebAssembly.validate(MODULE_BYTES) ? new WebAssembly.Module(MODULE_BYTES) : null;
  } catch {
    compiled = null;
  }
  return compiled;
}

export function instantiateHamming(memory: WebAssembly.Memory): HammingFn | null {
  const mod = hammingModule();
  if (!mod) return null;
  const instance = new WebAssembly.Instance(mod, { env: { mem: memory } });
  return instance.exports.hamming as HammingFn;
}
