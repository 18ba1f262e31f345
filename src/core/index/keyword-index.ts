// BM25 keyword search over chunk text, title and headings (MiniSearch, whose scoring is BM25+).
// Persisted in pieces: the term index is split into slices that are stringified separately, so a
// large vault never builds one giant JSON string (V8 caps strings at ~512 MB, and a single huge
// parse freezes the app). Documents are keyed by the chunk's stable key, not its ordinal, so
// compaction and renames never touch this index.
import MiniSearch from "minisearch";
import { decodeContainer, encodeContainer, encodeContainerSliced } from "./binary-container";
import { processTerm, tokenize } from "./keyword-tokenizer";
import { internalsOf, serializeSliced } from "./keyword-serialize";
import { yieldToEventLoop, type TimeSlicer } from "./time-slicer";

export interface KeywordDoc {
  key: number;
  text: string;
  title: string;
  headings: string;
}

export interface KeywordHit {
  key: number;
  score: number;
}

type Plain = ReturnType<MiniSearch["toJSON"]>;
type PlainWithoutIndex = Omit<Plain, "index">;

const TERMS_PER_PIECE = 20_000;

const OPTIONS = {
  idField: "key",
  fields: ["text", "title", "headings"],
  storeFields: [] as string[],
  tokenize: (text: string) => tokenize(text),
  processTerm: (term: string) => processTerm(term),
  // Vacuuming is done explicitly before a save, never in the background while a save serializes.
  autoVacuum: false,
};

const SEARCH_OPTIONS = {
  boost: { title: 2, headings: 1.5, text: 1 },
  // Prefixes help with word forms the stemmer leaves apart ("transform" → "transformer"); fuzzy
  // matching only for long words, where a typo is likelier than a different word.
  prefix: (term: string) => term.length >= 5,
  fuzzy: (term: string) => (term.length >= 8 && !/\d/u.test(term) ? 0.15 : false),
};

/** The keyword index as it was when snapshot() was called, to be encoded while the app goes on.
 *  Release it (whether or not it was encoded) so the changes made meanwhile are applied. */
export interface KeywordSnapshot {
  encode(slicer: TimeSlicer): Promise<Uint8Array>;
  release(): void;
}

export class KeywordIndex {
  /** Changes made while a snapshot is being encoded, applied in order when it is released. */
  private held: (() => void)[] | null = null;
  /** Searches while a snapshot is held: the same index with MiniSearch's search-time clean-up of
   *  discarded documents turned off, since that clean-up edits the term tree being serialized. */
  private searchView: MiniSearch<KeywordDoc> | null = null;

  private constructor(private readonly mini: MiniSearch<KeywordDoc>) {}

  static empty(): KeywordIndex {
    return new KeywordIndex(new MiniSearch<KeywordDoc>(OPTIONS));
  }

  /** Parses a saved index in one go (blocks for a while on a large vault; see decodeAsync). */
  static decode(bytes: Uint8Array): KeywordIndex {
    const c = decodeContainer<{ meta: PlainWithoutIndex; pieces: number }>(bytes);
    const decoder = new TextDecoder();
    const index: Plain["index"] = [];
    for (let i = 0; i < c.header.pieces; i++) {
      const piece = JSON.parse(decoder.decode(c.u8(`p${i}`))) as Plain["index"];
      for (const entry of piece) index.push(entry);
    }
    return new KeywordIndex(MiniSearch.loadJS<KeywordDoc>({ ...c.header.meta, index }, OPTIONS));
  }

  /** Parses a saved index piece by piece, yielding to the event loop in between, so loading a
   *  large keyword index never freezes the app. */
  static async decodeAsync(bytes: Uint8Array): Promise<KeywordIndex> {
    const c = decodeContainer<{ meta: PlainWithoutIndex; pieces: number }>(bytes);
    const decoder = new TextDecoder();
    const index: Plain["index"] = [];
    for (let i = 0; i < c.header.pieces; i++) {
      const piece = JSON.parse(decoder.decode(c.u8(`p${i}`))) as Plain["index"];
      for (const entry of piece) index.push(entry);
      await yieldToEventLoop();
    }
    return new KeywordIndex(await MiniSearch.loadJSAsync<KeywordDoc>({ ...c.header.meta, index }, OPTIONS));
  }

  get documentCount(): number {
    return this.mini.documentCount;
  }

  has(key: number): boolean {
    return this.mini.has(key);
  }

  add(doc: KeywordDoc): void {
    if (this.held) this.held.push(() => this.mini.add(doc));
    else this.mini.add(doc);
  }

  addAll(docs: KeywordDoc[]): void {
    if (this.held) this.held.push(() => this.mini.addAll(docs));
    else this.mini.addAll(docs);
  }

  discard(key: number): void {
    if (this.held) this.held.push(() => this.discard(key));
    else if (this.mini.has(key)) this.mini.discard(key);
  }

  /** Freezes the index as it is now for a save. Until release(), changes are queued: searches
   *  meanwhile answer from the frozen index, so passages added since are not found by keyword (by
   *  vector they are) and removed ones are dropped by the caller, which no longer knows their keys. */
  snapshot(): KeywordSnapshot {
    if (this.held) throw new Error("internal: the keyword index is already being saved");
    this.held = [];
    const internals = internalsOf(this.mini);
    const cleanup = (this.mini as unknown as { removeTerm?: unknown }).removeTerm;
    const sliceable = internals !== null && typeof cleanup === "function";
    if (sliceable) {
      const view = Object.create(this.mini) as MiniSearch<KeywordDoc>;
      Object.defineProperty(view, "removeTerm", { value: () => undefined });
      this.searchView = view;
    }
    let released = false;
    return {
      encode: async (slicer) => {
        if (released) throw new Error("internal: the keyword snapshot was released");
        // Internals this version does not know: toJSON(), blocking but correct.
        if (!sliceable || !internals) return this.encode();
        const { metaJson, pieces } = await serializeSliced(internals, slicer);
        const sections: Record<string, Uint8Array> = {};
        for (let i = 0; i < pieces.length; i++) sections[`p${i}`] = pieces[i];
        return encodeContainerSliced(`{"meta":${metaJson},"pieces":${pieces.length}}`, sections, slicer);
      },
      release: () => {
        if (released) return;
        released = true;
        const held = this.held ?? [];
        this.held = null;
        this.searchView = null;
        for (const op of held) op();
      },
    };
  }

  /** Reclaims space left by discarded documents when there is enough of it to matter. */
  async vacuumIfDirty(): Promise<void> {
    if (this.held) return; // never under a snapshot being serialized
    if (this.mini.dirtCount > 100 && this.mini.dirtFactor > 0.1) await this.mini.vacuum();
  }

  search(query: string, k: number, accept?: (key: number) => boolean): KeywordHit[] {
    if (k <= 0 || !query.trim()) return [];
    const results = (this.searchView ?? this.mini).search(query, {
      ...SEARCH_OPTIONS,
      filter: accept ? (r) => accept(r.id as number) : undefined,
    });
    const out: KeywordHit[] = [];
    for (let i = 0; i < results.length && i < k; i++) out.push({ key: results[i].id as number, score: results[i].score });
    return out;
  }

  /** The whole index in one synchronous call to toJSON() (blocks for seconds on a large vault;
   *  saves use snapshot().encode, which writes the same JSON in slices). */
  encode(): Uint8Array {
    const plain = this.mini.toJSON();
    const { index, ...meta } = plain;
    const sections: Record<string, Uint8Array> = {};
    const encoder = new TextEncoder();
    let pieces = 0;
    for (let i = 0; i < index.length; i += TERMS_PER_PIECE) {
      sections[`p${pieces++}`] = encoder.encode(JSON.stringify(index.slice(i, i + TERMS_PER_PIECE)));
    }
    return encodeContainer({ meta, pieces }, sections);
  }
}
