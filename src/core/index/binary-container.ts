// One layout for every binary data file of the index: a magic number, a JSON header and named
// sections aligned to 8 bytes, so typed-array columns are read in place (no parsing, no copies)
// and a 100k-chunk index loads in a few milliseconds. Integrity is checked by the manifest's
// checksum of the whole file, not here.

import type { TimeSlicer } from "./time-slicer";

const MAGIC = 0x58484353; // "SCHX" little-endian
const PREFIX_BYTES = 12; // magic, layout version, header length

type SectionData = Uint8Array | Int8Array | Int32Array | Uint32Array | Float32Array | Float64Array;

interface SectionInfo {
  name: string;
  offset: number;
  bytes: number;
}

interface ContainerHeader<H> {
  header: H;
  sections: SectionInfo[];
}

export class ContainerFormatError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ContainerFormatError";
  }
}

function align8(n: number): number {
  return (n + 7) & ~7;
}

/** Where each section goes, and the prefix and JSON header that precede them. */
interface Layout {
  head: Uint8Array;
  base: number;
  rel: SectionInfo[];
  total: number;
}

/** `headerJson` must be JSON.stringify(header): the header is written as
 *  {"header":<headerJson>,"sections":[...]} without parsing or re-serializing it, so a large header
 *  (a vault's file list) is stringified once, and possibly in slices, rather than once per attempt. */
function layout(headerJson: string, sizes: { name: string; bytes: number }[]): Layout {
  // Offsets depend on the header's length, which depends on the offsets' digits: lay out the data
  // relative to the end of the header, then shift once the header is known.
  const rel: SectionInfo[] = [];
  let cursor = 0;
  for (const { name, bytes } of sizes) {
    rel.push({ name, offset: cursor, bytes });
    cursor = align8(cursor + bytes);
  }
  const encoder = new TextEncoder();
  const start = encoder.encode(`{"header":${headerJson},"sections":`);
  const tail = (sections: SectionInfo[]) => encoder.encode(`${JSON.stringify(sections)}}`);
  let end = tail(rel);
  let base = align8(PREFIX_BYTES + start.length + end.length);
  for (let attempt = 0; attempt < 4; attempt++) {
    end = tail(rel.map((s) => ({ ...s, offset: s.offset + base })));
    const nextBase = align8(PREFIX_BYTES + start.length + end.length);
    if (nextBase <= base) break;
    base = nextBase;
  }
  const head = new Uint8Array(start.length + end.length);
  head.set(start);
  head.set(end, start.length);
  return { head, base, rel, total: base + cursor };
}

function allocate(l: Layout): Uint8Array {
  const out = new Uint8Array(l.total);
  const view = new DataView(out.buffer);
  view.setUint32(0, MAGIC, true);
  view.setUint32(4, 1, true);
  view.setUint32(8, l.head.length, true);
  out.set(l.head, PREFIX_BYTES);
  return out;
}

function bytesOf(src: SectionData): Uint8Array {
  return new Uint8Array(src.buffer, src.byteOffset, src.byteLength);
}

export function encodeContainer<H>(header: H, sections: Record<string, SectionData>): Uint8Array {
  const names = Object.keys(sections);
  const l = layout(JSON.stringify(header), names.map((name) => ({ name, bytes: sections[name].byteLength })));
  const out = allocate(l);
  for (let i = 0; i < names.length; i++) out.set(bytesOf(sections[names[i]]), l.base + l.rel[i].offset);
  return out;
}

/** Bytes copied between two looks at the clock. */
const COPY_STEP = 1 << 20;

/** A section given as consecutive parts (texts encoded chunk by chunk), written without joining
 *  them first. */
export type SectionParts = SectionData | readonly Uint8Array[];

function partsOf(s: SectionParts): readonly Uint8Array[] {
  return Array.isArray(s) ? (s as readonly Uint8Array[]) : [bytesOf(s as SectionData)];
}

/** The same bytes as encodeContainer(JSON.parse(headerJson), sections), copied in steps that give
 *  the event loop back when `slicer` says so. The result fills its buffer exactly (no copy needed to
 *  hand it to an API that takes an ArrayBuffer). */
export async function encodeContainerSliced(headerJson: string, sections: Record<string, SectionParts>, slicer: TimeSlicer): Promise<Uint8Array> {
  const names = Object.keys(sections);
  const parts = names.map((n) => partsOf(sections[n]));
  const l = layout(headerJson, parts.map((p, i) => ({ name: names[i], bytes: p.reduce((s, b) => s + b.byteLength, 0) })));
  const out = allocate(l);
  for (let i = 0; i < names.length; i++) {
    let at = l.base + l.rel[i].offset;
    for (const part of parts[i]) {
      for (let from = 0; from < part.byteLength; from += COPY_STEP) {
        const piece = part.subarray(from, Math.min(part.byteLength, from + COPY_STEP));
        out.set(piece, at);
        at += piece.byteLength;
        if (slicer.due) await slicer.yieldNow();
      }
    }
  }
  return out;
}

/** A container whose sections are filled by the caller (see VectorFileWriter in scholia-index):
 *  the header and section table are written at once, each section is a view to copy into. */
export function allocateContainer(headerJson: string, sizes: { name: string; bytes: number }[]): { bytes: Uint8Array; section(name: string): Uint8Array } {
  const l = layout(headerJson, sizes);
  const bytes = allocate(l);
  return {
    bytes,
    section(name) {
      const s = l.rel.find((r) => r.name === name);
      if (!s) throw new Error(`internal: no section "${name}"`);
      return bytes.subarray(l.base + s.offset, l.base + s.offset + s.bytes);
    },
  };
}

export class DecodedContainer<H> {
  private readonly bySection = new Map<string, SectionInfo>();

  constructor(
    readonly header: H,
    sections: SectionInfo[],
    private readonly bytes: Uint8Array,
  ) {
    for (const s of sections) this.bySection.set(s.name, s);
  }

  private section(name: string, elementBytes: number): SectionInfo {
    const s = this.bySection.get(name);
    if (!s) throw new ContainerFormatError(`missing section "${name}"`);
    if (s.offset < 0 || s.offset + s.bytes > this.bytes.byteLength || s.bytes % elementBytes !== 0) {
      throw new ContainerFormatError(`section "${name}" is out of bounds`);
    }
    return s;
  }

  u8(name: string): Uint8Array {
    const s = this.section(name, 1);
    return this.bytes.subarray(s.offset, s.offset + s.bytes);
  }
  i8(name: string): Int8Array {
    const s = this.section(name, 1);
    return new Int8Array(this.bytes.buffer, this.bytes.byteOffset + s.offset, s.bytes);
  }
  i32(name: string): Int32Array {
    const s = this.section(name, 4);
    return new Int32Array(this.bytes.buffer, this.bytes.byteOffset + s.offset, s.bytes / 4);
  }
  u32(name: string): Uint32Array {
    const s = this.section(name, 4);
    return new Uint32Array(this.bytes.buffer, this.bytes.byteOffset + s.offset, s.bytes / 4);
  }
  f32(name: string): Float32Array {
    const s = this.section(name, 4);
    return new Float32Array(this.bytes.buffer, this.bytes.byteOffset + s.offset, s.bytes / 4);
  }
  f64(name: string): Float64Array {
    const s = this.section(name, 8);
    return new Float64Array(this.bytes.buffer, this.bytes.byteOffset + s.offset, s.bytes / 8);
  }
}

export function decodeContainer<H>(input: Uint8Array): DecodedContainer<H> {
  // Typed-array views need aligned offsets; storage may hand back a view into a shared pool.
  const bytes = input.byteOffset % 8 === 0 ? input : input.slice();
  if (bytes.byteLength < PREFIX_BYTES) throw new ContainerFormatError("file is truncated");
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (view.getUint32(0, true) !== MAGIC) throw new ContainerFormatError("not a Scholia index file");
  if (view.getUint32(4, true) !== 1) throw new ContainerFormatError("unknown file layout");
  const headerLength = view.getUint32(8, true);
  if (PREFIX_BYTES + headerLength > bytes.byteLength) throw new ContainerFormatError("header is truncated");
  let parsed: ContainerHeader<H>;
  try {
    parsed = JSON.parse(new TextDecoder().decode(bytes.subarray(PREFIX_BYTES, PREFIX_BYTES + headerLength))) as ContainerHeader<H>;
  } catch {
    throw new ContainerFormatError("header is not valid JSON");
  }
  if (!parsed || !Array.isArray(parsed.sections)) throw new ContainerFormatError("header has no section table");
  return new DecodedContainer(parsed.header, parsed.sections, bytes);
}
