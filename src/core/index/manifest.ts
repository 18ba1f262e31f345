// The manifest is the index's single point of truth: it names the generation-numbered data files
// that together form one consistent index, with their sizes and checksums (xxHash32, named in the
// manifest's `checksum` field; see checksum.ts for why not SHA-256). It is written last, after
// every data file it points at is durably in place, so a crash at any moment leaves the manifest
// pointing at either the complete old set or the complete new set. Its first line is the sha256 of
// the JSON that follows, so a damaged manifest is recognised as such rather than half-trusted.
import { sha256Hex } from "../util/hash";

export const MANIFEST_NAME = "manifest.json";
export const FORMAT_NAME = "scholia-index";
/** Bump when the layout of any data file changes; older or newer indexes are rebuilt, not misread.
 *  2: data-file checksums are xxHash32 (version 1 used SHA-256). */
export const FORMAT_VERSION = 2;
/** The algorithm of DataFileRef.checksum. */
export const CHECKSUM_ALGORITHM = "xxh32";

export interface DataFileRef {
  name: string;
  bytes: number;
  /** xxHash32 of the whole file, 8 hex digits. */
  checksum: string;
}

export interface Manifest {
  format: typeof FORMAT_NAME;
  version: number;
  checksum: typeof CHECKSUM_ALGORITHM;
  generation: number;
  modelId: string | null;
  dims: number;
  chunkCount: number;
  fileCount: number;
  files: { meta: DataFileRef; texts: DataFileRef; keyword: DataFileRef; vectors: DataFileRef | null };
  savedAt: string;
}

export async function encodeManifest(m: Manifest): Promise<Uint8Array> {
  const body = JSON.stringify(m, null, 1);
  return new TextEncoder().encode(`${await sha256Hex(body)}\n${body}`);
}

export type ManifestReadResult =
  | { ok: true; manifest: Manifest }
  | { ok: false; problem: "damaged" | "version"; detail: string };

export async function decodeManifest(bytes: Uint8Array): Promise<ManifestReadResult> {
  let text: string;
  try {
    text = new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch {
    return { ok: false, problem: "damaged", detail: "manifest is not UTF-8" };
  }
  const nl = text.indexOf("\n");
  if (nl < 0) return { ok: false, problem: "damaged", detail: "manifest has no checksum line" };
  const sum = text.slice(0, nl);
  const body = text.slice(nl + 1);
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    return { ok: false, problem: "damaged", detail: "manifest is not valid JSON" };
  }
  // Check the version before the checksum: a future format may checksum differently, and the user
  // should hear "written by another version", not "damaged".
  const m = parsed as Partial<Manifest> | null;
  if (!m || m.format !== FORMAT_NAME) return { ok: false, problem: "damaged", detail: "not a Scholia index manifest" };
  if (m.version !== FORMAT_VERSION) {
    return { ok: false, problem: "version", detail: `format version ${String(m.version)}, expected ${FORMAT_VERSION}` };
  }
  if ((await sha256Hex(body)) !== sum) return { ok: false, problem: "damaged", detail: "manifest checksum mismatch" };
  const valid =
    m.checksum === CHECKSUM_ALGORITHM &&
    Number.isInteger(m.generation) &&
    (m.modelId === null || typeof m.modelId === "string") &&
    Number.isInteger(m.dims) &&
    Number.isInteger(m.chunkCount) &&
    Number.isInteger(m.fileCount) &&
    m.files !== undefined &&
    isRef(m.files.meta) &&
    isRef(m.files.texts) &&
    isRef(m.files.keyword) &&
    (m.files.vectors === null || isRef(m.files.vectors));
  if (!valid) return { ok: false, problem: "damaged", detail: "manifest fields are missing or malformed" };
  return { ok: true, manifest: m as Manifest };
}

function isRef(r: unknown): r is DataFileRef {
  const x = r as DataFileRef | undefined;
  return !!x && typeof x.name === "string" && Number.isInteger(x.bytes) && typeof x.checksum === "string";
}

/** A file-name-safe form of a model id that stays distinct for distinct ids
 *  ("Xenova/all-MiniLM-L6-v2" → "xenova_all-minilm-l6-v2-3f9c0a1b"). */
export function modelFileStem(modelId: string): string {
  const readable = modelId
    .toLowerCase()
    .replace(/[^a-z0-9._-]+/gu, "_")
    .replace(/^[._]+|[._]+$/gu, "")
    .slice(0, 60);
  // FNV-1a keeps ids that sanitize alike ("a/b", "a_b", "A/B") in separate files.
  let h = 0x811c9dc5;
  for (let i = 0; i < modelId.length; i++) {
    h ^= modelId.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return `${readable || "model"}-${h.toString(16).padStart(8, "0")}`;
}

export function dataFileName(kind: "meta" | "texts" | "keyword", generation: number): string;
export function dataFileName(kind: "vectors", generation: number, modelId: string): string;
export function dataFileName(kind: "meta" | "texts" | "keyword" | "vectors", generation: number, modelId?: string): string {
  if (kind === "vectors") return `vectors-${modelFileStem(modelId ?? "")}.g${generation}.bin`;
  return `${kind}.g${generation}.bin`;
}

/** Matches every file this store writes (data files and their temporaries), for clean-up. */
export const DATA_FILE_PATTERN = /^(?:meta|texts|keyword|vectors-[^/]*)\.g(\d+)\.bin(?:\..*)?$/u;
