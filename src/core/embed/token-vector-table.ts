// Mean pooling for static embedding models by table lookup. In a static model (word vectors, no
// transformer layers) a token's output vector depends on nothing but the token, so the model needs to
// run once per distinct token rather than over every token of every chunk, and a chunk's vector is the
// mean of table rows. Running the model over padded batches instead writes and re-reads a
// [batch, seq, dims] tensor for every chunk, which costs several times more than the lookup itself.
// Rows live in WebAssembly memory so a SIMD kernel can sum them; without SIMD, a JavaScript loop does.
import { instantiateBagSum, type BagSumFn } from "./bag-sum-wasm";
import { l2Normalize } from "./pooling";

const WASM_PAGE = 65536;

/** A growable byte store: WebAssembly memory where available (the kernel needs it), else an ArrayBuffer. */
class Arena {
  readonly memory: WebAssembly.Memory | null;
  private plain: ArrayBuffer;

  constructor() {
    this.memory = typeof WebAssembly === "object" ? new WebAssembly.Memory({ initial: 16 }) : null;
    this.plain = new ArrayBuffer(this.memory ? 0 : 1 << 20);
  }

  get buffer(): ArrayBuffer {
    return this.memory ? this.memory.buffer : this.plain;
  }

  ensure(bytes: number): void {
    const size = this.buffer.byteLength;
    if (bytes <= size) return;
    const want = Math.max(bytes, size * 2);
    if (this.memory) {
      this.memory.grow(Math.ceil((want - size) / WASM_PAGE));
    } else {
      const next = new ArrayBuffer(want);
      new Uint8Array(next).set(new Uint8Array(this.plain));
      this.plain = next;
    }
  }
}

const align16 = (n: number) => (n + 15) & ~15;

export class TokenVectorTable {
  /** Slot of each token id, -1 when its vector is not in the table yet. */
  private slotOf = new Int32Array(0);
  private rows = 0;
  private readonly arena = new Arena();
  private readonly bagSum: BagSumFn | null;
  /** Floats per stored row: dims rounded up to a whole SIMD lane group, padded with zeros. */
  private readonly stride: number;

  constructor(readonly dims: number) {
    this.stride = Math.ceil(dims / 4) * 4;
    this.bagSum = this.arena.memory ? instantiateBagSum(this.arena.memory) : null;
  }

  /** Number of token vectors held. */
  get size(): number {
    return this.rows;
  }

  /** Distinct token ids of these sequences whose vectors are not in the table yet. */
  missing(sequences: readonly (readonly number[])[]): number[] {
    const out: number[] = [];
    const seen = new Set<number>();
    for (const ids of sequences) {
      for (const id of ids) {
        if (id < this.slotOf.length && this.slotOf[id] >= 0) continue;
        if (!seen.has(id)) {
          seen.add(id);
          out.push(id);
        }
      }
    }
    return out;
  }

  /** Stores the model's vectors for `ids`: `vectors` holds ids.length rows of `dims` floats. */
  add(ids: readonly number[], vectors: Float32Array): void {
    if (vectors.length < ids.length * this.dims) throw new Error(`expected ${ids.length * this.dims} floats for ${ids.length} token vectors, got ${vectors.length}`);
    let maxId = -1;
    for (const id of ids) if (id > maxId) maxId = id;
    if (maxId >= this.slotOf.length) {
      const grown = new Int32Array(Math.max(maxId + 1, this.slotOf.length * 2)).fill(-1);
      grown.set(this.slotOf);
      this.slotOf = grown;
    }
    const rowBytes = this.stride * 4;
    this.arena.ensure((this.rows + ids.length) * rowBytes);
    const table = new Float32Array(this.arena.buffer);
    ids.forEach((id, k) => {
      if (this.slotOf[id] >= 0) return;
      const slot = this.rows++;
      this.slotOf[id] = slot;
      table.set(vectors.subarray(k * this.dims, (k + 1) * this.dims), slot * this.stride);
    });
  }

  /** The L2-normalized mean of each sequence's token vectors (every id must be in the table); an
   *  empty sequence gives a zero vector, as mean pooling over no tokens does. */
  meanPool(sequences: readonly (readonly number[])[]): Float32Array[] {
    let total = 0;
    for (const ids of sequences) total += ids.length;
    const rowBytes = this.stride * 4;
    const slotsAt = align16(this.rows * rowBytes);
    const outAt = align16(slotsAt + total * 4);
    this.arena.ensure(outAt + sequences.length * rowBytes);
    const buffer = this.arena.buffer;
    const slots = new Int32Array(buffer, slotsAt, total);
    const sums = new Float32Array(buffer, outAt, sequences.length * this.stride).fill(0);
    let p = 0;
    for (const ids of sequences) {
      for (const id of ids) {
        const slot = id < this.slotOf.length ? this.slotOf[id] : -1;
        if (slot < 0) throw new Error(`token ${id} has no vector in the table`);
        slots[p++] = slot;
      }
    }
    const table = new Float32Array(buffer, 0, this.rows * this.stride);
    const out: Float32Array[] = [];
    let offset = 0;
    sequences.forEach((ids, b) => {
      const at = b * this.stride;
      if (this.bagSum) this.bagSum(slotsAt + offset * 4, ids.length, 0, rowBytes, outAt + at * 4);
      else sumRowsJs(table, slots, offset, ids.length, this.stride, sums, at);
      offset += ids.length;
      const v = new Float32Array(this.dims);
      if (ids.length > 0) for (let d = 0; d < this.dims; d++) v[d] = sums[at + d] / ids.length;
      out.push(l2Normalize(v));
    });
    return out;
  }
}

function sumRowsJs(table: Float32Array, slots: Int32Array, from: number, count: number, stride: number, sums: Float32Array, at: number): void {
  for (let k = from; k < from + count; k++) {
    const row = slots[k] * stride;
    for (let d = 0; d < stride; d++) sums[at + d] += table[row + d];
  }
}
