// The fast WordPiece path must produce exactly what transformers.js's tokenizer produces, or vectors
// would silently differ from the model's reference behaviour. Random text, including accents, CJK,
// control characters, emoji and punctuation, is tokenized both ways and compared.
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { existsSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import fc from "fast-check";
import { AutoTokenizer } from "@huggingface/transformers";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FastWordPiece } from "../../src/core/embed/fast-wordpiece";
import { buildTinyBert, TINY_BERT_MAX_POSITIONS } from "../fixtures/tiny-bert";

type LibTokenizer = ((t: string[], o: Record<string, unknown>) => Record<string, { tolist(): bigint[][] }>) & { pad_token_id: number };

let root: string;
const cases: { name: string; fast: FastWordPiece; lib: LibTokenizer }[] = [];

async function load(dir: string, name: string) {
  const lib = (await AutoTokenizer.from_pretrained(dir, { local_files_only: true })) as unknown as LibTokenizer;
  const json = JSON.parse(await readFile(join(dir, "tokenizer.json"), "utf8")) as unknown;
  const fast = FastWordPiece.fromJson(json, lib.pad_token_id);
  if (!fast) throw new Error(`no fast path for ${name}`);
  cases.push({ name, fast, lib });
}

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), "scholia-wp-"));
  await load(await buildTinyBert(join(root, "tiny")), "tiny BERT ([CLS] … [SEP])");
  const shared = join(process.cwd(), "..", "shared", "models", "glove-static-100d");
  if (existsSync(join(shared, "tokenizer.json"))) await load(shared, "glove-static-100d (no special tokens)");
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

const pieces = fc.constantFrom(
  "the", "model", "training", "data", "Über", "naïve", "café", "résumé", "ﬁnance", "東京", "中文字", "😀", "\u0000", "\u0007",
  "\t", "\n", "\r\n", " ", "  ", "\u00a0", "\u200b", "\ufeff", "...", "(x)", "e.g.", "[", "]", "—", "½", "ǅ", "İ", "ß",
  "quick-brown", "fox's", "#tag", "$100", "3.14", "a", "Z", "über-cool", "x".repeat(120), "\ud800", "\u0301",
);
const texts = fc.oneof(
  fc.array(pieces, { maxLength: 12 }).map((p) => p.join(" ")),
  fc.array(pieces, { maxLength: 12 }).map((p) => p.join("")),
  fc.string({ maxLength: 40, unit: "grapheme" }),
  fc.string({ maxLength: 40, unit: "binary" }),
);

function libraryIds(lib: LibTokenizer, text: string): number[] {
  const enc = lib([text], { padding: false, truncation: false });
  return enc.input_ids.tolist()[0].map(Number);
}

/** Real (unmasked) tokens only: for a text with no tokens at all the fast path emits one masked pad
 *  so the batch tensor is never zero-width. */
function fastIds(fast: FastWordPiece, text: string): number[] {
  const enc = fast.encodeBatch([text], 100_000);
  return Array.from(enc.inputIds, Number).filter((_, i) => enc.attentionMask[i] === 1n);
}

describe("FastWordPiece matches the transformers.js tokenizer", () => {
  it("on random text", () => {
    for (const { name, fast, lib } of cases) {
      fc.assert(
        fc.property(texts, (text) => {
          fc.pre(fast.canEncode(text));
          expect(fastIds(fast, text), `${name}: ${JSON.stringify(text)}`).toEqual(libraryIds(lib, text));
        }),
        { numRuns: 400 },
      );
    }
  });

  it("pads a batch on the right with the pad id, masks padding, and types every token 0", () => {
    for (const { fast, lib } of cases) {
      const batch = ["short", "a much longer text about training data for the model"];
      const enc = fast.encodeBatch(batch, 512);
      const ref = lib(batch, { padding: true, truncation: true, max_length: 512 });
      expect(Array.from(enc.inputIds, Number)).toEqual(ref.input_ids.tolist().flat().map(Number));
      expect(Array.from(enc.attentionMask, Number)).toEqual(ref.attention_mask.tolist().flat().map(Number));
      expect(Array.from(enc.tokenTypeIds).every((t) => t === 0n)).toBe(true);
    }
  });

  it("keeps the closing [SEP] when truncating, as the models were trained", () => {
    const tiny = cases[0];
    const enc = tiny.fast.encodeBatch(["data ".repeat(200)], TINY_BERT_MAX_POSITIONS);
    expect(enc.seq).toBe(TINY_BERT_MAX_POSITIONS);
    const ids = Array.from(enc.inputIds, Number);
    const full = libraryIds(tiny.lib, "data");
    expect(ids[0]).toBe(full[0]);
    expect(ids.at(-1)).toBe(full.at(-1));
  });

  it("leaves texts that spell out a special token to the library", () => {
    expect(cases[0].fast.canEncode("see [SEP] here")).toBe(false);
    expect(cases[0].fast.canEncode("plain text")).toBe(true);
  });

  it("declines tokenizers it does not reproduce", () => {
    expect(FastWordPiece.fromJson({ model: { type: "BPE", vocab: {} } }, 0)).toBeNull();
    expect(FastWordPiece.fromJson({ model: { type: "WordPiece", vocab: { "[UNK]": 0 }, unk_token: "[UNK]" }, pre_tokenizer: { type: "Metaspace" } }, 0)).toBeNull();
  });
});
