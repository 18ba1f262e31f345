import { mkdtemp, rm, unlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BGE_QUERY_PREFIX } from "../../src/core/embed/models";
import { TransformersEmbedder, embedderIdFor, isLocalModelPath } from "../../src/core/embed/transformers-embedder";
import { buildTinyBert, TINY_BERT_HIDDEN, TINY_BERT_MAX_POSITIONS } from "../fixtures/tiny-bert";

let root: string;
let tinyBert: string;

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), "scholia-embed-"));
  tinyBert = await buildTinyBert(join(root, "tiny-bert"));
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

const dot = (a: Float32Array, b: Float32Array) => a.reduce((s, x, i) => s + x * b[i], 0);
const TEXTS = [
  "the quick brown fox jumps over the lazy dog",
  "a",
  "training data for the language model",
  "",
  "search the index for a query vector and return the page",
  "cat",
];

describe("TransformersEmbedder on a local transformers.js folder", () => {
  it("loads the quantized weights by default and learns the vector size from the model", async () => {
    const embedder = new TransformersEmbedder({ model: tinyBert });
    await embedder.init();
    expect(embedder.dims).toBe(TINY_BERT_HIDDEN);
    expect(embedder.dtype).toBe("q8");
    expect(embedder.id).toBe("tiny-bert");
    await embedder.dispose();
  });

  it("falls back to fp32 when the folder only has onnx/model.onnx", async () => {
    const dir = await buildTinyBert(join(root, "fp32-only"), { quantized: false });
    const embedder = new TransformersEmbedder({ model: dir });
    await embedder.init();
    expect(embedder.dtype).toBe("fp32");
    expect(embedder.dims).toBe(TINY_BERT_HIDDEN);
  });

  it("returns one unit-length vector per text, in input order, including empty texts", async () => {
    const embedder = new TransformersEmbedder({ model: tinyBert });
    const vectors = await embedder.embedDocuments(TEXTS);
    expect(vectors).toHaveLength(TEXTS.length);
    for (const v of vectors) {
      expect(v).toBeInstanceOf(Float32Array);
      expect(v.length).toBe(TINY_BERT_HIDDEN);
      expect(Math.sqrt(dot(v, v))).toBeCloseTo(1, 4);
    }
    // Order: each batched vector equals the vector of that text embedded alone.
    for (let i = 0; i < TEXTS.length; i++) {
      const [alone] = await embedder.embedDocuments([TEXTS[i]]);
      expect(dot(alone, vectors[i])).toBeCloseTo(1, 4);
    }
    expect(await embedder.embedDocuments([])).toEqual([]);
  });

  it("gives the same vectors whatever the batch size (padding is masked out)", async () => {
    const small = new TransformersEmbedder({ model: tinyBert, batchSize: 1 });
    const large = new TransformersEmbedder({ model: tinyBert, batchSize: 4 });
    const a = await small.embedDocuments(TEXTS);
    const b = await large.embedDocuments(TEXTS);
    a.forEach((v, i) => expect(dot(v, b[i])).toBeCloseTo(1, 4));
  });

  it("is deterministic across separately loaded instances", async () => {
    const again = await buildTinyBert(join(root, "tiny-bert-copy"));
    const [a] = await new TransformersEmbedder({ model: tinyBert }).embedDocuments([TEXTS[0]]);
    const [b] = await new TransformersEmbedder({ model: again }).embedDocuments([TEXTS[0]]);
    expect(Array.from(a)).toEqual(Array.from(b));
  });

  it("truncates texts longer than the model's positions instead of failing", async () => {
    const embedder = new TransformersEmbedder({ model: tinyBert });
    const long = Array.from({ length: 400 }, (_, i) => (i % 2 ? "model" : "data")).join(" ");
    const [v] = await embedder.embedDocuments([long]);
    expect(v.length).toBe(TINY_BERT_HIDDEN);
    // Everything after the first MAX_POSITIONS tokens is cut, so a longer tail changes nothing.
    const [w] = await embedder.embedDocuments([`${long} cat dog fox`]);
    expect(dot(v, w)).toBeCloseTo(1, 5);
    expect(TINY_BERT_MAX_POSITIONS).toBeLessThan(400);
  });

  it("pools as configured: CLS and mean give different vectors", async () => {
    const [mean] = await new TransformersEmbedder({ model: tinyBert, pooling: "mean" }).embedDocuments([TEXTS[0]]);
    const [cls] = await new TransformersEmbedder({ model: tinyBert, pooling: "cls" }).embedDocuments([TEXTS[0]]);
    expect(dot(mean, cls)).toBeLessThan(0.999);
  });

  it("prefixes queries, not documents, with the bge instruction for bge models", async () => {
    const dir = await buildTinyBert(join(root, "bge-small-en-v1.5"));
    const embedder = new TransformersEmbedder({ model: dir });
    const query = await embedder.embedQuery("training data");
    const [asDocument] = await embedder.embedDocuments(["training data"]);
    const [prefixed] = await embedder.embedDocuments([`${BGE_QUERY_PREFIX}training data`]);
    expect(dot(query, prefixed)).toBeCloseTo(1, 5);
    expect(dot(query, asDocument)).toBeLessThan(0.999);
  });

  it("embeds text that spells out a special token (through the library tokenizer)", async () => {
    const embedder = new TransformersEmbedder({ model: tinyBert });
    const [v] = await embedder.embedDocuments(["the model [SEP] data"]);
    expect(Math.sqrt(dot(v, v))).toBeCloseTo(1, 4);
  });

  it("stops between batches when the signal is aborted", async () => {
    const embedder = new TransformersEmbedder({ model: tinyBert, batchSize: 1 });
    await embedder.init();
    const controller = new AbortController();
    controller.abort();
    await expect(embedder.embedDocuments(TEXTS, controller.signal)).rejects.toMatchObject({ name: "AbortError" });
  });
});

describe("TransformersEmbedder loading errors are one clear sentence", () => {
  it("names a missing folder", async () => {
    const missing = join(root, "no-such-model");
    await expect(new TransformersEmbedder({ model: missing }).init()).rejects.toThrow(`The embedding model folder ${missing} does not exist.`);
  });

  it("names the missing file of an incomplete folder", async () => {
    const dir = await buildTinyBert(join(root, "no-tokenizer"));
    await unlink(join(dir, "tokenizer.json"));
    await expect(new TransformersEmbedder({ model: dir }).init()).rejects.toThrow(`The embedding model folder ${dir} has no tokenizer.json.`);
  });

  it("reports weights that are not an ONNX model", async () => {
    const dir = await buildTinyBert(join(root, "corrupt"), { quantized: false });
    await writeFile(join(dir, "onnx", "model.onnx"), "this is not protobuf");
    const error = await new TransformersEmbedder({ model: dir }).init().catch((e: Error) => e);
    expect(error).toBeInstanceOf(Error);
    expect((error as Error).message).toBe(`Could not load the embedding model from ${dir}: onnx/model.onnx is not a valid ONNX file (incomplete download?).`);
    expect((error as Error).message.split("\n")).toHaveLength(1);
  });

  it("says when a hub model is not cached and downloading is off", async () => {
    const embedder = new TransformersEmbedder({ model: "Xenova/all-MiniLM-L6-v2", cacheDir: join(root, "empty-cache") });
    await expect(embedder.init()).rejects.toThrow(
      "The embedding model Xenova/all-MiniLM-L6-v2 is not downloaded yet and downloading is turned off.",
    );
  });

  it("can be retried after a failed load", async () => {
    const dir = join(root, "appears-later");
    const embedder = new TransformersEmbedder({ model: dir });
    await expect(embedder.init()).rejects.toThrow(/does not exist/);
    await buildTinyBert(dir);
    await embedder.init();
    expect(embedder.dims).toBe(TINY_BERT_HIDDEN);
  });
});

describe("model references", () => {
  it("tells local folders from hub ids", () => {
    expect(isLocalModelPath("/models/x")).toBe(true);
    expect(isLocalModelPath("./x")).toBe(true);
    expect(isLocalModelPath("../shared/models/glove-static-100d")).toBe(true);
    expect(isLocalModelPath("C:\\models\\x")).toBe(true);
    expect(isLocalModelPath("Xenova/all-MiniLM-L6-v2")).toBe(false);
  });

  it("records a local folder by its name so other paths to it match", () => {
    expect(embedderIdFor("../shared/models/glove-static-100d/")).toBe("glove-static-100d");
    expect(embedderIdFor("/work/shared/models/glove-static-100d")).toBe("glove-static-100d");
    expect(embedderIdFor("Xenova/bge-small-en-v1.5")).toBe("Xenova/bge-small-en-v1.5");
  });
});

describe("TransformersEmbedder lifecycle", () => {
  it("reloads the model when used after dispose", async () => {
    const embedder = new TransformersEmbedder({ model: tinyBert });
    const [before] = await embedder.embedDocuments(["data"]);
    await embedder.dispose();
    expect(embedder.dims).toBe(0);
    const [after] = await embedder.embedDocuments(["data"]);
    expect(Array.from(after)).toEqual(Array.from(before));
  });
});
