// Shared assembly for the index's hand-written WebAssembly kernels (simd-dot.ts, hamming-wasm.ts).
// Each kernel is one exported function of five i32 parameters — query, data, rows, row size, out —
// working on a memory it imports as env.mem; only the function body differs. Hand-assembled so the
// plugin ships no .wasm file and no toolchain is needed.

/** Opcode helpers for function bodies. */
export const f = (...ops: number[]): number[] => ops;
export const localGet = (i: number): number[] => f(0x20, i);
export const localSet = (i: number): number[] => f(0x21, i);
export const localTee = (i: number): number[] => f(0x22, i);
/** Valid for 0..63, which fits a one-byte LEB128. */
export const i32Const = (v: number): number[] => f(0x41, v);
export const I32_ADD = 0x6a;
export const I32_LT_U = 0x49;

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

function moduleBytes(exportName: string, body: number[]): Uint8Array<ArrayBuffer> {
  return new Uint8Array([
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
    ...section(1, [0x01, 0x60, 0x05, 0x7f, 0x7f, 0x7f, 0x7f, 0x7f, 0x00]), // type (i32 × 5) → ()
    ...section(2, [0x01, ...name("env"), ...name("mem"), 0x02, 0x00, 0x01]), // import env.mem
    ...section(3, [0x01, 0x00]),
    ...section(7, [0x01, ...name(exportName), 0x00, 0x00]),
    ...section(10, [0x01, ...leb(body.length), ...body]),
  ]);
}

export interface Kernel<F> {
  /** The compiled module, or null where this WebAssembly (or its SIMD) is not available. */
  module(): WebAssembly.Module | null;
  /** The kernel bound to `memory`, or null where it cannot run. */
  instantiate(memory: WebAssembly.Memory): F | null;
}

/** A kernel compiled once, on first use. */
export function kernel<F>(exportName: string, body: number[]): Kernel<F> {
  let compiled: WebAssembly.Module | null | undefined;
  const module = (): WebAssembly.Module | null => {
    if (compiled !== undefined) return compiled;
    try {
      const bytes = moduleBytes(exportName, body);
      compiled = typeof WebAssembly === "object" && WebAssembly.validate(bytes) ? new WebAssembly.Module(bytes) : null;
    } catch {
      compiled = null;
    }
    return compiled;
  };
  return {
    module,
    instantiate(memory) {
      const mod = module();
      if (!mod) return null;
      const instance = new WebAssembly.Instance(mod, { env: { mem: memory } });
      return instance.exports[exportName] as F;
    },
  };
}
