// One layout for every binary data file of the index: a magic number, a JSON header and named
// sections aligned to 8 bytes, so typed-array columns are read in place (no parsing, no copies)
// and a 100k-chunk index loads in a few milliseconds. Integrity is checked by the manifest's
// checksum of the whole file, not here.

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

export function encodeContainer<H>(header: H, sections: Record<string, SectionData>): Uint8Array {
  const names = Object.keys(sections);
  // Offsets depend on the header's length, which depends on the offsets' digits: lay out the data
  // relative to the end of the header, then shift once the header is known.
  const rel: SectionInfo[] = [];
  let cursor = 0;
  for (const name of names) {
    const bytes = sections[name].byteLength;
    rel.push({ name, offset: cursor, bytes });
    cursor = align8(cursor + bytes);
  }
  let headerBytes = new TextEncoder().encode(JSON.stringify({ header, sections: rel }));
  let base = align8(PREFIX_BYTES + headerBytes.length);
  for (let attempt = 0; attempt < 4; attempt++) {
    const shifted = rel.map((s) => ({ ...s, offset: s.offset + base }));
    headerBytes = new TextEncoder().encode(JSON.stringify({ header, sections: shifted } satisfies ContainerHeader<H>));
    const nextBase = align8(PREFIX_BYTES + headerBytes.length);
    if (nextBase <= base) break;
    base = nextBase;
  }
  const total = base + cursor;
  const out = new Uint8Array(total);
  const view = new DataView(out.buffer);
  view.setUint32(0, MAGIC, true);
  view.setUint32(4, 1, true);
  view.setUint32(8, headerBytes.length, true);
  out.set(headerBytes, PREFIX_BYTES);
  for (let i = 0; i < names.length; i++) {
    const src = sections[names[i]];
    out.set(new Uint8Array(src.buffer, src.byteOffset, src.byteLength), base + rel[i].offset);
  }
  return out;
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
