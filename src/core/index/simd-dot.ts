// A 200-byte WebAssembly SIMD kernel for the vector scan: int8 × int8 dot products of one query
// against every stored row, 16 dimensions per step (i16x8 widening + i32x4.dot_i16x8_s). V8 cannot
// vectorize the equivalent JavaScript loop; this runs the 100k × 384 scan several times faster.
// Hand-assembled so the plugin ships no .wasm file and no toolchain is needed; when WebAssembly SIMD
// is unavailable the caller falls back to the JavaScript loop.
//
// dots(q, data, rows, dims, out): for r < rows, out[r] = Σ_i q[i] · data[r·dims + i]  (dims % 16 == 0)

const SIMD = 0xfd;
const f = (...ops: number[]) => ops;
const localGet = (i: number) => f(0x20, i);
const localSet = (i: number) => f(0x21, i);
const localTee = (i: number) => f(0x22, i);
const i32Const = (v: number) => f(0x41, v); // valid for 0..63 as a one-byte LEB128
const v128Load = f(SIMD, 0x00, 0x00, 0x00);
const extLow = f(SIMD, 0x87, 0x01);
const extHigh = f(SIMD, 0x88, 0x01);
const dot = f(SIMD, 0xba, 0x01);
const add4 = f(SIMD, 0xae, 0x01);
const lane = (n: number) => f(SIMD, 0x1b, n);
const I32_ADD = 0x6a;

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
  ...localGet(6), ...i32Const(16), I32_ADD, ...localTee(6), ...localGet(3), 0x49, 0x0d, 0x00, // i += 16; loop while i < dims
  0x0b,
  ...localGet(4), ...localGet(5), ...i32Const(2), 0x74, I32_ADD, // &out[r]
  ...localGet(7), ...lane(0), ...localGet(7), ...lane(1), I32_ADD, ...localGet(7), ...lane(2), I32_ADD, ...localGet(7), ...lane(3), I32_ADD,
  0x36, 0x02, 0x00, // i32.store
  ...localGet(1), ...localGet(3), I32_ADD, ...localSet(1), // data += dims
  ...localGet(5), ...i32Const(1), I32_ADD, ...localTee(5), ...localGet(2), 0x49, 0x0d, 0x00, // r++; loop while r < rows
  0x0b,
  0x0b,
];

function section(id: number, content: number[]): number[] {
  return [id, ...leb(content.length), ...content];
}

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

const name = (s: string) => [s.length, ...Array.from(s, (c) => c.charCodeAt(0))];

const MODULE_BYTES = new Uint8Array([
  0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
  ...section(1, [0x01, 0x60, 0x05, 0x7f, 0x7f, 0x7f, 0x7f, 0x7f, 0x00]),
  ...section(2, [0x01, ...name("env"), ...name("mem"), 0x02, 0x00, 0x01]),
  ...section(3, [0x01, 0x00]),
  ...section(7, [0x01, ...name("dots"), 0x00, 0x00]),
  ...section(10, [0x01, ...leb(body.length), ...body]),
]);

export type DotsFn = (q: number, data: number, rows: number, dims: number, out: number) => void;

let compiled: WebAssembly.Module | null | undefined;

/** The compiled kernel, or null where WebAssembly SIMD is not available. */
export function simdModule(): WebAssembly.Module | null {
  if (compiled !== undefined) return compiled;
  try {
    compiled = typeof WebAssembly === "object" && WebAssembly.validate(MODULE_BYTES) ? new WebAssembly.Module(MODULE_BYTES) : null;
  } catch {
    compiled = null;
  }
  return compiled;
}

export function instantiateDots(memory: WebAssembly.Memory): DotsFn | null {
  const mod = simdModule();
  if (!mod) return null;
  const instance = new WebAssembly.Instance(mod, { env: { mem: memory } });
  return instance.exports.dots as DotsFn;
}
