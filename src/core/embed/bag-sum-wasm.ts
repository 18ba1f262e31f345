// A WebAssembly SIMD kernel for mean pooling by table lookup: adds the table rows of a list of token
// slots into one accumulator, four floats per step. The JavaScript loop over a table of tens of MB
// costs more than the model itself does for a static (lookup-table) model; this is several times
// faster. When WebAssembly SIMD is unavailable the caller falls back to the JavaScript loop.
//
// bagSum(slots, count, table, rowBytes, out): for k < count, out[0..rowBytes) += table row slots[k]
// (slots are i32, rows are rowBytes apart, rowBytes % 16 == 0, out is f32)

import { f, I32_ADD, I32_LT_U, i32Const, kernel, localGet, localSet, localTee } from "../index/wasm-kernel";

const SIMD = 0xfd;
const v128Load = f(SIMD, 0x00, 0x00, 0x00);
const v128Store = f(SIMD, 0x0b, 0x00, 0x00);
const f32x4Add = f(SIMD, 0xe4, 0x01);
const I32_LOAD = f(0x28, 0x02, 0x00);
const I32_MUL = 0x6c;
const I32_SHL = 0x74;

// params: 0 slots (advanced slot by slot), 1 count, 2 table, 3 rowBytes, 4 out; locals: 5 end, 6 row, 7 j
const body = [
  0x01, 0x03, 0x7f, // locals: 3 × i32
  ...localGet(1), 0x45, 0x04, 0x40, 0x0f, 0x0b, // if count == 0 return
  ...localGet(0), ...localGet(1), ...i32Const(2), I32_SHL, I32_ADD, ...localSet(5), // end = slots + 4·count
  0x03, 0x40, // loop slots
  ...localGet(2), ...localGet(0), ...I32_LOAD, ...localGet(3), I32_MUL, I32_ADD, ...localSet(6), // row = table + slot·rowBytes
  ...i32Const(0), ...localSet(7),
  0x03, 0x40, // loop over the row, 16 bytes at a time
  ...localGet(4), ...localGet(7), I32_ADD, // store address
  ...localGet(4), ...localGet(7), I32_ADD, ...v128Load,
  ...localGet(6), ...localGet(7), I32_ADD, ...v128Load,
  ...f32x4Add,
  ...v128Store,
  ...localGet(7), ...i32Const(16), I32_ADD, ...localTee(7), ...localGet(3), I32_LT_U, 0x0d, 0x00, // j += 16; loop while j < rowBytes
  0x0b,
  ...localGet(0), ...i32Const(4), I32_ADD, ...localTee(0), ...localGet(5), I32_LT_U, 0x0d, 0x00, // slots += 4; loop while < end
  0x0b,
  0x0b,
];

export type BagSumFn = (slots: number, count: number, table: number, rowBytes: number, out: number) => void;

const BAG_SUM = kernel<BagSumFn>("bagSum", body);

/** The kernel bound to `memory`, or null where WebAssembly SIMD is not available. */
export function instantiateBagSum(memory: WebAssembly.Memory): BagSumFn | null {
  return BAG_SUM.instantiate(memory);
}
