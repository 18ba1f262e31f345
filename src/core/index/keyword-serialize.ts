// MiniSearch 7's toJSON(), reproduced in slices that yield to the event loop. toJSON() is one
// synchronous call that builds an object per term and per field (Object.fromEntries) before a
// JSON.stringify of the lot: on a 100k-chunk vault that froze Obsidian for seconds on every save.
// Here the same JSON text is written straight from MiniSearch's internal maps, term by term, and
// cut into pieces of about PIECE_BYTES (each a JSON array of [term, data] entries) that load in
// slices too (KeywordIndex.decodeAsync). The terms are written straight to UTF-8 bytes.
//
// This reads private fields. tests/index/keyword-serialize.test.ts checks that the pieces put
// together equal JSON.stringify(toJSON()) byte for byte and that loadJS of them searches the same,
// so a MiniSearch upgrade that changes its internals fails there, loudly; at run time, internals
// that do not look as expected make the caller fall back to toJSON() (blocking, but correct).
import type MiniSearch from "minisearch";
import type { TimeSlicer } from "./time-slicer";

/** The private state of a MiniSearch 7 instance that toJSON() serializes. */
interface Internals {
  _documentCount: number;
  _nextId: number;
  _documentIds: Map<number, unknown>;
  _fieldIds: Record<string, number>;
  _fieldLength: Map<number, unknown>;
  _avgFieldLength: number[];
  _storedFields: Map<number, unknown>;
  _dirtCount: number;
  _index: Iterable<[string, Map<number, Map<number, number>>]>;
}

/** Bytes of JSON per piece (about): parsed in one go at load, so a piece must stay well under a
 *  long task. */
export const PIECE_BYTES = 1 << 20;

/** Postings written between two looks at the clock. */
const POSTINGS_STEP = 4096;

/** MiniSearch's internals, or null when they are not what this file was written against. */
export function internalsOf(mini: MiniSearch<never> | MiniSearch<object>): Internals | null {
  const m = mini as unknown as Partial<Internals>;
  const ok =
    typeof m._documentCount === "number" &&
    typeof m._nextId === "number" &&
    m._documentIds instanceof Map &&
    typeof m._fieldIds === "object" &&
    m._fieldIds !== null &&
    m._fieldLength instanceof Map &&
    Array.isArray(m._avgFieldLength) &&
    m._storedFields instanceof Map &&
    typeof m._dirtCount === "number" &&
    typeof (m._index as Partial<Iterable<unknown>> | undefined)?.[Symbol.iterator] === "function";
  return ok ? (m as Internals) : null;
}

export interface SerializedKeywords {
  /** JSON of toJSON() without its `index` field, keys in toJSON()'s order. */
  metaJson: string;
  /** UTF-8 JSON arrays whose elements, in order, are toJSON().index. */
  pieces: Uint8Array[];
}

/** JSON.stringify(value) for the values MiniSearch keeps (numbers, arrays, plain objects). */
function json(value: unknown): string {
  return typeof value === "number" && Number.isFinite(value) ? String(value) : JSON.stringify(value);
}

/** A non-negative integer below 2^32 - 1: a key JSON.stringify writes in ascending numeric order,
 *  ahead of every other key, whatever the order it was inserted in. */
function isIndexKey(k: number): boolean {
  return Number.isInteger(k) && k >= 0 && k < 0xffffffff;
}

/** JSON.stringify(Object.fromEntries(map)) for a map with integer keys, without the object. */
async function numericMapJson(map: Map<number, unknown>, slicer: TimeSlicer): Promise<string> {
  const parts: string[] = [];
  let prev = -1;
  let i = 0;
  for (const [k, v] of map) {
    if (!isIndexKey(k) || k <= prev) return JSON.stringify(Object.fromEntries(map));
    prev = k;
    parts.push(`"${k}":${json(v)}`);
    if ((++i & (POSTINGS_STEP - 1)) === 0 && slicer.due) await slicer.yieldNow();
  }
  return `{${parts.join(",")}}`;
}

const QUOTE = 0x22;
const COMMA = 0x2c;
const COLON = 0x3a;

/** UTF-8 JSON written straight into bytes. The term index is millions of small numbers; building
 *  them as strings first made garbage enough for the collector to pause the app on its own. */
class JsonBytes {
  private buf = new Uint8Array(PIECE_BYTES + (PIECE_BYTES >> 2));
  length = 0;
  private readonly encoder = new TextEncoder();

  private room(n: number): void {
    if (this.length + n <= this.buf.length) return;
    const next = new Uint8Array(Math.max(this.buf.length * 2, this.length + n));
    next.set(this.buf.subarray(0, this.length));
    this.buf = next;
  }

  byte(b: number): void {
    this.room(1);
    this.buf[this.length++] = b;
  }

  /** A non-negative integer, as JSON writes it. */
  uint(n: number): void {
    this.room(16);
    if (n < 10) {
      this.buf[this.length++] = 48 + n;
      return;
    }
    let digits = 0;
    for (let x = n; x > 0; x = Math.floor(x / 10)) digits++;
    let at = this.length + digits;
    this.length = at;
    for (let x = n; x > 0; x = Math.floor(x / 10)) this.buf[--at] = 48 + (x % 10);
  }

  /** A number as JSON.stringify writes it. */
  number(n: number): void {
    if (Number.isSafeInteger(n) && n >= 0) this.uint(n);
    else this.text(json(n));
  }

  /** Any string, as UTF-8 (the caller has made it JSON). */
  text(s: string): void {
    this.room(s.length * 3);
    this.length += this.encoder.encodeInto(s, this.buf.subarray(this.length)).written;
  }

  /** The bytes written so far; then starts over. */
  take(): Uint8Array {
    const out = this.buf.slice(0, this.length);
    this.length = 0;
    return out;
  }
}

/** One term's postings in one field, as toJSON() writes Object.fromEntries(freqs): false (with
 *  nothing kept) if the keys are not ascending integers, which toJSON() would reorder. */
function writePostings(out: JsonBytes, freqs: Map<number, number>): boolean {
  const start = out.length;
  let prev = -1;
  out.byte(0x7b);
  for (const [doc, n] of freqs) {
    if (!isIndexKey(doc) || doc <= prev) {
      out.length = start;
      return false;
    }
    if (prev >= 0) out.byte(COMMA);
    prev = doc;
    out.byte(QUOTE);
    out.uint(doc);
    out.byte(QUOTE);
    out.byte(COLON);
    out.number(n);
  }
  out.byte(0x7d);
  return true;
}

/** [term, {field: {doc: count}}] as toJSON() and JSON.stringify write it. */
async function writeTerm(out: JsonBytes, term: string, fields: Map<number, Map<number, number>>, slicer: TimeSlicer): Promise<void> {
  const ids = [...fields.keys()];
  if (!ids.every(isIndexKey)) {
    const data: Record<string, unknown> = {};
    for (const [f, freqs] of fields) data[f] = Object.fromEntries(freqs);
    out.text(JSON.stringify([term, data]));
    return;
  }
  // Integer keys come out in ascending order, whatever order MiniSearch met the fields in.
  ids.sort((a, b) => a - b);
  out.byte(0x5b);
  out.text(JSON.stringify(term));
  out.byte(COMMA);
  out.byte(0x7b);
  for (let i = 0; i < ids.length; i++) {
    if (i > 0) out.byte(COMMA);
    out.byte(QUOTE);
    out.uint(ids[i]);
    out.byte(QUOTE);
    out.byte(COLON);
    const freqs = fields.get(ids[i]) as Map<number, number>;
    // A stopword's postings (a whole vault's documents) are written in steps that may yield.
    if (freqs.size >= POSTINGS_STEP) out.text(await numericMapJson(freqs, slicer));
    else if (!writePostings(out, freqs)) out.text(JSON.stringify(Object.fromEntries(freqs)));
  }
  out.byte(0x7d);
  out.byte(0x5d);
}

/** Serializes a MiniSearch index as toJSON() would, in slices. The index must not change until the
 *  returned promise settles (ScholiaIndex queues keyword changes and suspends search-time clean-up
 *  while it saves). */
export async function serializeSliced(m: Internals, slicer: TimeSlicer): Promise<SerializedKeywords> {
  // toJSON()'s field order, `index` left out: the container stores the terms as separate pieces.
  const metaJson =
    `{"documentCount":${json(m._documentCount)},"nextId":${json(m._nextId)},` +
    `"documentIds":${await numericMapJson(m._documentIds, slicer)},"fieldIds":${JSON.stringify(m._fieldIds)},` +
    `"fieldLength":${await numericMapJson(m._fieldLength, slicer)},"averageFieldLength":${JSON.stringify(m._avgFieldLength)},` +
    `"storedFields":${await numericMapJson(m._storedFields, slicer)},"dirtCount":${json(m._dirtCount)},"serializationVersion":2}`;
  const pieces: Uint8Array[] = [];
  const out = new JsonBytes();
  let terms = 0;
  for (const [term, fields] of m._index) {
    out.byte(out.length === 0 ? 0x5b : COMMA);
    await writeTerm(out, term, fields, slicer);
    if (out.length >= PIECE_BYTES) {
      out.byte(0x5d);
      pieces.push(out.take());
    }
    if ((++terms & 31) === 0 && slicer.due) await slicer.yieldNow();
  }
  if (out.length > 0) {
    out.byte(0x5d);
    pieces.push(out.take());
  }
  return { metaJson, pieces };
}
