// xxHash32 (the reference algorithm, so digests can be checked against any other implementation)
// for the index's data-file checksums. The checksums only detect damage — bit flips, truncation,
// a file from another generation — crash safety comes from write ordering (see manifest.ts) — so
// a fast non-cryptographic hash is the right tool: in plain JavaScript over 32-bit words it runs
// several times faster than WebCrypto's SHA-256 (npm run bench: load_ms_100k), which dominated
// the time to open a large index.

import { yieldToEventLoop, type TimeSlicer } from "./time-slicer";

const P1 = 0x9e3779b1 | 0;
const P2 = 0x85ebca77 | 0;
const P3 = 0xc2b2ae3d | 0;
const P4 = 0x27d4eb2f | 0;
const P5 = 0x165667b1 | 0;

const LITTLE_ENDIAN = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;

function rotl(x: number, r: number): number {
  return (x << r) | (x >>> (32 - r));
}

function round(acc: number, lane: number): number {
  return Math.imul(rotl((acc + Math.imul(lane, P2)) | 0, 13), P1);
}

function readU32(b: Uint8Array, i: number): number {
  return b[i] | (b[i + 1] << 8) | (b[i + 2] << 16) | (b[i + 3] << 24);
}

/** Streaming xxHash32 with seed 0. Feed bytes with update() in pieces of any size; digest() once. */
export class Xxh32 {
  private v1 = (P1 + P2) | 0;
  private v2 = P2;
  private v3 = 0;
  private v4 = -P1 | 0;
  private total = 0;
  /** Bytes of an incomplete 16-byte stripe carried to the next update. */
  private readonly pending = new Uint8Array(16);
  private pendingLength = 0;

  update(data: Uint8Array): this {
    this.total += data.byteLength;
    let at = 0;
    if (this.pendingLength > 0) {
      const take = Math.min(16 - this.pendingLength, data.byteLength);
      this.pending.set(data.subarray(0, take), this.pendingLength);
      this.pendingLength += take;
      at = take;
      if (this.pendingLength < 16) return this;
      this.stripes(this.pending, 0, 16);
      this.pendingLength = 0;
    }
    const whole = at + ((data.byteLength - at) & ~15);
    this.stripes(data, at, whole);
    this.pending.set(data.subarray(whole), 0);
    this.pendingLength = data.byteLength - whole;
    return this;
  }

  /** Consumes bytes [from, to) of b, a multiple of 16 long. */
  private stripes(b: Uint8Array, from: number, to: number): void {
    let v1 = this.v1;
    let v2 = this.v2;
    let v3 = this.v3;
    let v4 = this.v4;
    if (LITTLE_ENDIAN && (b.byteOffset + from) % 4 === 0) {
      // Word reads through a view: the hot path, as data files start 8-byte aligned.
      const w = new Uint32Array(b.buffer, b.byteOffset + from, (to - from) >>> 2);
      for (let j = 0; j < w.length; j += 4) {
        v1 = Math.imul(rotl((v1 + Math.imul(w[j], P2)) | 0, 13), P1);
        v2 = Math.imul(rotl((v2 + Math.imul(w[j + 1], P2)) | 0, 13), P1);
        v3 = Math.imul(rotl((v3 + Math.imul(w[j + 2], P2)) | 0, 13), P1);
        v4 = Math.imul(rotl((v4 + Math.imul(w[j + 3], P2)) | 0, 13), P1);
      }
    } else {
      for (let i = from; i < to; i += 16) {
        v1 = round(v1, readU32(b, i));
        v2 = round(v2, readU32(b, i + 4));
        v3 = round(v3, readU32(b, i + 8));
        v4 = round(v4, readU32(b, i + 12));
      }
    }
    this.v1 = v1;
    this.v2 = v2;
    this.v3 = v3;
    this.v4 = v4;
  }

  digest(): number {
    let h =
      this.total >= 16
        ? (rotl(this.v1, 1) + rotl(this.v2, 7) + rotl(this.v3, 12) + rotl(this.v4, 18)) | 0
        : P5;
    // The reference adds the length modulo 2^32.
    h = (h + (this.total % 0x100000000)) | 0;
    const b = this.pending;
    const n = this.pendingLength;
    let i = 0;
    for (; i + 4 <= n; i += 4) h = Math.imul(rotl((h + Math.imul(readU32(b, i), P3)) | 0, 17), P4);
    for (; i < n; i++) h = Math.imul(rotl((h + Math.imul(b[i], P5)) | 0, 11), P1);
    h = Math.imul(h ^ (h >>> 15), P2);
    h = Math.imul(h ^ (h >>> 13), P3);
    return (h ^ (h >>> 16)) >>> 0;
  }
}

/** xxHash32 (seed 0) of the bytes, as 8 lowercase hex digits. */
export function xxh32Hex(data: Uint8Array | string): string {
  const bytes = typeof data === "string" ? new TextEncoder().encode(data) : data;
  return new Xxh32().update(bytes).digest().toString(16).padStart(8, "0");
}

/** Bytes hashed between two looks at the clock: about a millisecond of work. */
const HASH_STEP = 1 << 20;

/** xxHash32 of the bytes, computed in steps that give the event loop back whenever `slicer` says
 *  the slice is used up, so hashing a 100 MB file never freezes the app. Same digest as xxh32Hex. */
export async function xxh32HexSliced(data: Uint8Array, slicer: TimeSlicer): Promise<string> {
  const hasher = new Xxh32();
  for (let at = 0; at < data.byteLength; at += HASH_STEP) {
    hasher.update(data.subarray(at, Math.min(data.byteLength, at + HASH_STEP)));
    if (slicer.due) await slicer.yieldNow();
  }
  return hasher.digest().toString(16).padStart(8, "0");
}

/** A checksum verified in pieces: in the background between other work, or all at once when the
 *  data is needed now. Both paths share one running hash, so no byte is hashed twice. */
export class PendingChecksum {
  private readonly hasher = new Xxh32();
  private at = 0;
  private verdict: boolean | null = null;

  constructor(
    private readonly bytes: Uint8Array,
    private readonly expectedHex: string,
  ) {}

  get done(): boolean {
    return this.verdict !== null;
  }

  /** Hashes up to `maxBytes` more; returns the verdict once every byte is hashed, else null. */
  step(maxBytes: number): boolean | null {
    if (this.verdict !== null) return this.verdict;
    const end = Math.min(this.bytes.byteLength, this.at + maxBytes);
    this.hasher.update(this.bytes.subarray(this.at, end));
    this.at = end;
    if (end < this.bytes.byteLength) return null;
    this.verdict = this.hasher.digest().toString(16).padStart(8, "0") === this.expectedHex;
    return this.verdict;
  }

  /** Finishes synchronously: true when the bytes match. */
  finish(): boolean {
    return this.step(Infinity) as boolean;
  }

  /** Finishes in slices that yield to the event loop, so a large file never freezes the app. */
  async finishInBackground(sliceBytes = 4 << 20): Promise<boolean> {
    for (;;) {
      const v = this.step(sliceBytes);
      if (v !== null) return v;
      await yieldToEventLoop();
    }
  }
}
