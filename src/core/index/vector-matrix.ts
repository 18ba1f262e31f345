// The vectors of one model: an int8 row per chunk plus its scale, in two flat typed arrays that grow
// by doubling. Search is a single pass of integer dot products (quantized query × quantized rows)
// with partial top-k selection, then an exact re-score of the best candidates with the float query,
// which removes the query's own quantization error from the final order.
import { quantize, quantizeInto } from "./quantize";
import { TopK } from "./top-k";

export interface VectorHit {
  row: number;
  score: number;
}

/** How many coarse candidates are re-scored per requested result (and at least RESCORE_MIN). */
export const RESCORE_FACTOR = 4;
export const RESCORE_MIN = 40;

export class VectorMatrix {
  private codes: Int8Array;
  private scales: Float32Array;
  private rows = 0;

  constructor(
    readonly dims: number,
    initial?: { codes: Int8Array; scales: Float32Array },
  ) {
    if (!Number.isInteger(dims) || dims <= 0) throw new Error(`Invalid vector length ${dims}.`);
    if (initial) {
      this.codes = initial.codes;
      this.scales = initial.scales;
      this.rows = initial.scales.length;
    } else {
      this.codes = new Int8Array(dims * 64);
      this.scales = new Float32Array(64);
    }
  }

  get count(): number {
    return this.rows;
  }

  private ensureCapacity(rows: number): void {
    if (rows <= this.scales.length) return;
    const cap = Math.max(rows, this.scales.length * 2, 64);
    const codes = new Int8Array(cap * this.dims);
    codes.set(this.codes.subarray(0, this.rows * this.dims));
    const scales = new Float32Array(cap);
    scales.set(this.scales.subarray(0, this.rows));
    this.codes = codes;
    this.scales = scales;
  }

  append(vec: ArrayLike<number>): number {
    if (vec.length !== this.dims) throw new Error(`Expected a vector of ${this.dims} numbers, got ${vec.length}.`);
    this.ensureCapacity(this.rows + 1);
    const row = this.rows++;
    this.scales[row] = quantizeInto(vec, this.codes, row * this.dims);
    return row;
  }

  /** The dequantized row (what the index knows of the original vector). */
  row(row: number): Float32Array {
    const out = new Float32Array(this.dims);
    const base = row * this.dims;
    const s = this.scales[row];
    for (let i = 0; i < this.dims; i++) out[i] = this.codes[base + i] * s;
    return out;
  }

  /** Keeps the rows whose `keep` flag is set, in order. */
  compact(keep: Uint8Array): void {
    const d = this.dims;
    let w = 0;
    for (let r = 0; r < this.rows; r++) {
      if (!keep[r]) continue;
      if (w !== r) {
        this.codes.copyWithin(w * d, r * d, (r + 1) * d);
        this.scales[w] = this.scales[r];
      }
      w++;
    }
    this.rows = w;
  }

  /** Exposes the stored bytes (no copy) for serialization. */
  snapshot(): { codes: Int8Array; scales: Float32Array } {
    return { codes: this.codes.subarray(0, this.rows * this.dims), scales: this.scales.subarray(0, this.rows) };
  }

  /** Top k rows by cosine similarity with `query` (assumed L2-normalized like the rows).
   *  `allowed`, when given, admits a row if `allowed[row] !== 0`. */
  search(query: Float32Array, k: number, allowed?: Uint8Array, rescore = true): VectorHit[] {
    if (query.length !== this.dims) {
      throw new Error(`The query vector has ${query.length} numbers but this index stores ${this.dims}.`);
    }
    if (k <= 0 || this.rows === 0) return [];
    const candidates = rescore ? Math.max(k * RESCORE_FACTOR, RESCORE_MIN) : k;
    const coarse = this.coarseScan(query, candidates, allowed);
    if (!rescore) return coarse.sorted().map(({ id, score }) => ({ row: id, score }));
    const exact = new TopK(k);
    const d = this.dims;
    for (const { id } of coarse.sorted()) {
      const base = id * d;
      let s = 0;
      for (let i = 0; i < d; i++) s += query[i] * this.codes[base + i];
      exact.push(id, s * this.scales[id]);
    }
    return exact.sorted().map(({ id, score }) => ({ row: id, score }));
  }

  private coarseScan(query: Float32Array, k: number, allowed: Uint8Array | undefined): TopK {
    const q8 = quantize(query);
    const d = this.dims;
    // Int32 copies keep the multiply in integer registers; 8-way unrolling with two accumulators
    // was measured ~30 % faster than a plain loop on V8 11.
    const q = new Int32Array(q8.codes);
    const codes = this.codes;
    const scales = this.scales;
    const top = new TopK(k);
    const unrolled = d - (d % 8);
    const qScale = q8.scale;
    for (let r = 0, base = 0; r < this.rows; r++, base += d) {
      if (allowed !== undefined && allowed[r] === 0) continue;
      let s0 = 0;
      let s1 = 0;
      let i = 0;
      for (; i < unrolled; i += 8) {
        const b = base + i;
        s0 = (s0 + q[i] * codes[b] + q[i + 1] * codes[b + 1] + q[i + 2] * codes[b + 2] + q[i + 3] * codes[b + 3]) | 0;
        s1 = (s1 + q[i + 4] * codes[b + 4] + q[i + 5] * codes[b + 5] + q[i + 6] * codes[b + 6] + q[i + 7] * codes[b + 7]) | 0;
      }
      for (; i < d; i++) s0 = (s0 + q[i] * codes[base + i]) | 0;
      const score = (s0 + s1) * scales[r] * qScale;
      if (score > top.threshold) top.push(r, score);
    }
    return top;
  }
}
