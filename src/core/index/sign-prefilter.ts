// Binary prefilter for large vector matrices: one sign bit per dimension of each int8 row (48 bytes
// at 384 dims instead of 384), scanned by Hamming distance to the query's sign bits. The full int8
// scan of 1M rows reads 384 MB per query and is bound by memory bandwidth; the sign scan reads 48 MB,
// and only the closest candidates are then scored exactly by the caller. Derived from the stored
// codes, so it is never persisted: the on-disk format is unchanged.
import { instantiateHamming, type HammingFn } from "./hamming-wasm";

const PAGE = 65536;

/** Sign bits of rows `from..to` of `codes` (dims per row) into `out` at `rowBytes` per row. */
function writeSigns(codes: Int8Array, dims: number, from: number, to: number, out: Uint8Array, outFrom: number, rowBytes: number): void {
  if (dims % 8 === 0 && codes.byteOffset % 4 === 0) {
    writeSignsByWord(new Uint32Array(codes.buffer, codes.byteOffset, (to * dims) >> 2), dims >> 2, from, to, out, outFrom, rowBytes);
    return;
  }
  for (let r = from, o = outFrom * rowBytes; r < to; r++, o += rowBytes) {
    const base = r * dims;
    let j = 0;
    for (let d = 0; d < dims; d += 8, j++) {
      const end = Math.min(8, dims - d);
      let byte = 0;
      for (let b = 0; b < end; b++) if (codes[base + d + b] < 0) byte |= 1 << b;
      out[o + j] = byte;
    }
    // Padding bytes stay zero in rows and query alike, so they never add to a distance.
    for (; j < rowBytes; j++) out[o + j] = 0;
  }
}

/** The same, four codes per 32-bit load: building the bits of 1M rows is the first large query's
 *  cost, and byte by byte it took seconds. Assumes little-endian memory, as WebAssembly's is. */
function writeSignsByWord(words: Uint32Array, wordsPerRow: number, from: number, to: number, out: Uint8Array, outFrom: number, rowBytes: number): void {
  const fullBytes = wordsPerRow >> 1;
  for (let r = from, o = outFrom * rowBytes; r < to; r++, o += rowBytes) {
    let w = r * wordsPerRow;
    for (let j = 0; j < fullBytes; j++, w += 2) {
      // The sign bits sit at bits 7, 15, 23, 31; the multiply gathers them into bits 28..31
      // without carries (every other partial product lands below bit 28 or beyond bit 31).
      const lo = Math.imul((words[w] >>> 7) & 0x01010101, 0x10204080) >>> 28;
      const hi = Math.imul((words[w + 1] >>> 7) & 0x01010101, 0x10204080) >>> 28;
      out[o + j] = lo | (hi << 4);
    }
    for (let j = fullBytes; j < rowBytes; j++) out[o + j] = 0;
  }
}

function popcount32(x: number): number {
  x -= (x >>> 1) & 0x55555555;
  x = (x & 0x33333333) + ((x >>> 2) & 0x33333333);
  x = (x + (x >>> 4)) & 0x0f0f0f0f;
  return Math.imul(x, 0x01010101) >>> 24;
}

export class SignPrefilter {
  /** Bytes of sign bits per row: whole 64-bit words, the kernel's step. */
  readonly rowBytes: number;
  private readonly memory: WebAssembly.Memory | null;
  private readonly hamming: HammingFn | null;
  /** Where the rows start: after the query's bits, 16-byte aligned. */
  private readonly rowsBase: number;
  private bits: Uint8Array;
  private cap = 0;
  private rows = 0;

  constructor(readonly dims: number, useWasm = true) {
    this.rowBytes = Math.ceil(dims / 64) * 8;
    this.rowsBase = (this.rowBytes + 15) & ~15;
    let memory: WebAssembly.Memory | null = null;
    let hamming: HammingFn | null = null;
    if (useWasm) {
      try {
        memory = new WebAssembly.Memory({ initial: 1 });
        hamming = instantiateHamming(memory);
      } catch {
        hamming = null;
      }
    }
    this.hamming = hamming;
    this.memory = hamming ? memory : null;
    this.bits = new Uint8Array(0);
  }

  get count(): number {
    return this.rows;
  }

  /** Whether the scan runs on the WebAssembly kernel (else a JavaScript popcount). */
  get wasm(): boolean {
    return this.hamming !== null;
  }

  /** Memory held: the sign bits plus one 32-bit distance per row. */
  get bytes(): number {
    return this.cap * (this.rowBytes + 4);
  }

  /** Replaces the contents with the sign bits of the first `rows` rows of `codes`. */
  build(codes: Int8Array, rows: number): void {
    this.rows = 0;
    this.ensureCapacity(rows);
    writeSigns(codes, this.dims, 0, rows, this.bits, 0, this.rowBytes);
    this.rows = rows;
  }

  /** Adds the sign bits of row `row` of `codes` as the next row. */
  append(codes: Int8Array, row: number): void {
    this.ensureCapacity(this.rows + 1);
    writeSigns(codes, this.dims, row, row + 1, this.bits, this.rows, this.rowBytes);
    this.rows++;
  }

  /** Keeps the rows whose `keep` flag is set, in order (mirrors VectorMatrix.compact). */
  compact(keep: Uint8Array): void {
    const rb = this.rowBytes;
    let w = 0;
    for (let r = 0; r < this.rows; r++) {
      if (!keep[r]) continue;
      if (w !== r) this.bits.copyWithin(w * rb, r * rb, (r + 1) * rb);
      w++;
    }
    this.rows = w;
  }

  /** The (up to) `count` admitted rows nearest to the query in Hamming distance of the sign bits,
   *  in ascending row order. Ties at the cut-off distance go to the lower rows. */
  candidates(query: Int8Array, count: number, allowed?: Uint8Array): Int32Array {
    const dist = this.distances(query);
    const maxDist = this.rowBytes * 8;
    // A histogram of distances (at most dims + 1 values) finds the cut-off in two linear passes,
    // with no heap of thousands of entries.
    const hist = new Uint32Array(maxDist + 1);
    const n = this.rows;
    let admitted = 0;
    for (let r = 0; r < n; r++) {
      if (allowed !== undefined && allowed[r] === 0) continue;
      hist[dist[r]]++;
      admitted++;
    }
    const take = Math.min(count, admitted);
    const out = new Int32Array(take);
    if (take === 0) return out;
    let cut = 0;
    let below = 0;
    while (below + hist[cut] < take) below += hist[cut++];
    let atCut = take - below;
    let w = 0;
    for (let r = 0; r < n && w < take; r++) {
      if (allowed !== undefined && allowed[r] === 0) continue;
      const d = dist[r];
      if (d < cut) out[w++] = r;
      else if (d === cut && atCut > 0) {
        out[w++] = r;
        atCut--;
      }
    }
    return out;
  }

  private distances(query: Int8Array): Int32Array {
    const rb = this.rowBytes;
    const qBits = new Uint8Array(rb);
    writeSigns(query, this.dims, 0, 1, qBits, 0, rb);
    if (this.hamming && this.memory) {
      const buffer = this.memory.buffer;
      new Uint8Array(buffer, 0, rb).set(qBits);
      const outBase = this.rowsBase + this.cap * rb;
      this.hamming(0, this.rowsBase, this.rows, rb, outBase);
      return new Int32Array(buffer, outBase, this.rows);
    }
    const words = rb >> 2;
    const q = new Uint32Array(qBits.buffer);
    const data = new Uint32Array(this.bits.buffer, this.bits.byteOffset, this.cap * words);
    const out = new Int32Array(this.rows);
    for (let r = 0, base = 0; r < this.rows; r++, base += words) {
      let s = 0;
      for (let i = 0; i < words; i++) s += popcount32(q[i] ^ data[base + i]);
      out[r] = s;
    }
    return out;
  }

  private ensureCapacity(rows: number): void {
    if (rows <= this.cap) return;
    // Grows by a quarter, not double: at 1M rows a doubling would hold 48 MB of idle bits.
    const cap = Math.max(rows, Math.ceil(this.cap * 1.25), 1024);
    const rb = this.rowBytes;
    if (this.memory) {
      const needed = this.rowsBase + cap * (rb + 4);
      const have = this.memory.buffer.byteLength;
      if (needed > have) this.memory.grow(Math.ceil((needed - have) / PAGE));
      // Rows stay in place when the memory grows; only the distances' region moves up.
      this.bits = new Uint8Array(this.memory.buffer, this.rowsBase, cap * rb);
    } else {
      const bits = new Uint8Array(cap * rb);
      bits.set(this.bits.subarray(0, this.rows * rb));
      this.bits = bits;
    }
    this.cap = cap;
  }
}
