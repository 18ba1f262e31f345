// Test doubles for the index: an in-memory IndexStorage and vault, a deterministic embedder that
// counts its calls, and a markdown-ish ingest that counts its calls. Vectors come from hashed word
// counts, so texts that share words are close, which is all the store's tests need of "semantics".
import type { Embedder } from "../../src/core/embed/embedder";
import type { Chunk, IngestedDocument } from "../../src/core/types";
import { IngestError } from "../../src/core/types";
import type { IndexStorage, VaultEntry, VaultReader } from "../../src/core/vault";

export class MemoryStorage implements IndexStorage {
  readonly files = new Map<string, Uint8Array>();
  writes: string[] = [];
  async read(name: string): Promise<Uint8Array | null> {
    const f = this.files.get(name);
    return f ? f.slice() : null;
  }
  async writeAtomic(name: string, data: Uint8Array): Promise<void> {
    this.writes.push(name);
    this.files.set(name, data.slice());
  }
  async remove(name: string): Promise<void> {
    this.files.delete(name);
  }
  async list(): Promise<string[]> {
    return [...this.files.keys()].sort();
  }
}

export class MemoryVault implements VaultReader {
  readonly files = new Map<string, { data: Uint8Array; mtime: number }>();
  reads: string[] = [];
  private clock = 1_700_000_000_000;

  write(path: string, text: string): void {
    this.files.set(path, { data: new TextEncoder().encode(text), mtime: (this.clock += 1000) });
  }
  /** Changes the mtime but not the bytes (a sync tool touching files). */
  touch(path: string): void {
    const f = this.files.get(path);
    if (f) f.mtime = this.clock += 1000;
  }
  rename(from: string, to: string): void {
    const f = this.files.get(from);
    if (!f) throw new Error(`no ${from}`);
    this.files.delete(from);
    this.files.set(to, f);
  }
  delete(path: string): void {
    this.files.delete(path);
  }
  async list(): Promise<VaultEntry[]> {
    return [...this.files.entries()].map(([path, f]) => ({ path, size: f.data.byteLength, mtime: f.mtime }));
  }
  async readBinary(path: string): Promise<Uint8Array> {
    this.reads.push(path);
    const f = this.files.get(path);
    if (!f) throw new Error(`ENOENT: ${path}`);
    return f.data;
  }
  async readText(path: string): Promise<string> {
    return new TextDecoder().decode(await this.readBinary(path));
  }
}

export function hashedVector(text: string, dims: number): Float32Array {
  const v = new Float32Array(dims);
  for (const w of text.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? []) {
    let h = 2166136261;
    for (let i = 0; i < w.length; i++) h = Math.imul(h ^ w.charCodeAt(i), 16777619) >>> 0;
    v[h % dims] += 1;
    v[(h >>> 8) % dims] += 0.5;
  }
  let n = 0;
  for (const x of v) n += x * x;
  n = Math.sqrt(n) || 1;
  for (let i = 0; i < dims; i++) v[i] /= n;
  return v;
}

export class FakeEmbedder implements Embedder {
  calls = 0;
  embedded: string[] = [];
  failOn: string | null = null;
  /** Called before each batch; lets a test pause or abort mid-run. */
  beforeBatch: (() => void | Promise<void>) | null = null;
  constructor(
    readonly id = "fake/hash-64",
    readonly dims = 64,
  ) {}
  async init(): Promise<void> {}
  async embedDocuments(texts: string[]): Promise<Float32Array[]> {
    await this.beforeBatch?.();
    this.calls++;
    if (this.failOn && texts.some((t) => t.includes(this.failOn!))) throw new Error("model exploded");
    this.embedded.push(...texts);
    return texts.map((t) => hashedVector(t, this.dims));
  }
  async embedQuery(text: string): Promise<Float32Array> {
    return hashedVector(text, this.dims);
  }
  async dispose(): Promise<void> {}
}

/** Markdown-ish ingest: "# Title" sets the title, "tags: a, b" the tags, blank lines split chunks.
 *  A file containing "ENCRYPTED" is skipped and one containing "CORRUPT" fails, like real ingest. */
export function makeIngest(): { ingest: (path: string, data: Uint8Array) => Promise<IngestedDocument>; calls: string[] } {
  const calls: string[] = [];
  const ingest = async (path: string, data: Uint8Array): Promise<IngestedDocument> => {
    calls.push(path);
    const text = new TextDecoder().decode(data);
    if (text.includes("ENCRYPTED")) throw new IngestError("The PDF is encrypted.", "skipped");
    if (text.includes("CORRUPT")) throw new IngestError("The PDF is damaged.", "failed");
    if (text.includes("BUG")) throw new TypeError("cannot read properties of undefined");
    const title = /^# (.+)$/mu.exec(text)?.[1] ?? path;
    const tags = /^tags: (.+)$/mu.exec(text)?.[1].split(",").map((t) => t.trim()) ?? [];
    const paragraphs = text.split(/\n\s*\n/u).map((p) => p.trim()).filter((p) => p && !p.startsWith("tags:"));
    const chunks: Chunk[] = paragraphs.map((p, i) => ({
      id: `${path}#${i}`,
      path,
      kind: "markdown",
      text: p,
      title,
      headings: [title],
      line: i * 2,
    }));
    return { path, kind: "markdown", title, chunks, tags, aliases: [] };
  };
  return { ingest, calls };
}

export function doc(path: string, texts: string[], extra: Partial<IngestedDocument> = {}): IngestedDocument {
  return {
    path,
    kind: "markdown",
    title: extra.title ?? path,
    chunks: texts.map((text, i) => ({ id: `${path}#${i}`, path, kind: "markdown", text })),
    ...extra,
  };
}

export function stamp(path: string, hash = `hash-of-${path}`): { path: string; size: number; mtime: number; hash: string } {
  return { path, size: 100, mtime: 1, hash };
}
