// WorkerEmbedder talks to the real worker host over a MessageChannel — the same structured-clone and
// transfer semantics as a Web Worker — with the model run by transformers.js in Node.
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { MessageChannel } from "node:worker_threads";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { TransformersEmbedder } from "../../src/core/embed/transformers-embedder";
import { WorkerEmbedder, type WorkerLike } from "../../src/plugin/worker-embedder";
import { serveEmbedder } from "../../src/worker/embed-worker-host";
import { buildTinyBert, TINY_BERT_HIDDEN } from "../fixtures/tiny-bert";

let root: string;
let tinyBert: string;
beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), "scholia-worker-"));
  tinyBert = await buildTinyBert(join(root, "tiny-bert"));
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

interface Spawned {
  worker: WorkerLike;
  terminated: () => boolean;
  crash: (message: string) => void;
}

/** A worker made of the two ends of a MessageChannel, serving a Node transformers.js embedder. */
function channelWorker(): Spawned {
  const { port1, port2 } = new MessageChannel();
  const host = {
    postMessage: (m: unknown, t?: Transferable[]) => port2.postMessage(m, t as never),
    addEventListener: (_: "message", fn: (e: MessageEvent) => void) => port2.on("message", (data: unknown) => fn({ data } as MessageEvent)),
  };
  serveEmbedder(host, (options, onProgress) => new TransformersEmbedder({ ...options, onProgress }));
  let terminated = false;
  const errorListeners: ((e: ErrorEvent) => void)[] = [];
  const worker: WorkerLike = {
    postMessage: (m, t) => port1.postMessage(m, t as never),
    addEventListener: ((type: string, fn: (e: never) => void) => {
      if (type === "message") port1.on("message", (data: unknown) => (fn as (e: MessageEvent) => void)({ data } as MessageEvent));
      else errorListeners.push(fn as (e: ErrorEvent) => void);
    }) as WorkerLike["addEventListener"],
    terminate: () => {
      terminated = true;
      port1.close();
      port2.close();
    },
  };
  return { worker, terminated: () => terminated, crash: (message) => errorListeners.forEach((fn) => fn({ message } as ErrorEvent)) };
}

const dot = (a: Float32Array, b: Float32Array) => a.reduce((s, x, i) => s + x * b[i], 0);

describe("WorkerEmbedder", () => {
  it("loads the model in the worker and returns the same vectors as an in-thread embedder", async () => {
    const spawned: Spawned[] = [];
    const embedder = new WorkerEmbedder({ model: tinyBert }, () => {
      spawned.push(channelWorker());
      return spawned.at(-1)!.worker;
    });
    await embedder.init();
    expect(embedder.dims).toBe(TINY_BERT_HIDDEN);
    expect(embedder.id).toBe("tiny-bert");
    const texts = ["the quick brown fox", "training data", ""];
    const remote = await embedder.embedDocuments(texts);
    const local = await new TransformersEmbedder({ model: tinyBert }).embedDocuments(texts);
    expect(remote).toHaveLength(3);
    remote.forEach((v, i) => expect(dot(v, local[i])).toBeCloseTo(1, 5));
    const q = await embedder.embedQuery("training data");
    expect(dot(q, local[1])).toBeCloseTo(1, 5);
    await embedder.dispose();
    expect(spawned).toHaveLength(1);
    expect(spawned[0].terminated()).toBe(true);
  });

  it("passes loading errors through as the same one-sentence message", async () => {
    const missing = join(root, "missing-model");
    const embedder = new WorkerEmbedder({ model: missing }, () => channelWorker().worker);
    await expect(embedder.init()).rejects.toThrow(`The embedding model folder ${missing} does not exist.`);
  });

  it("cancels a request when its signal aborts", async () => {
    const embedder = new WorkerEmbedder({ model: tinyBert, batchSize: 1 }, () => channelWorker().worker);
    await embedder.init();
    const controller = new AbortController();
    const texts = Array.from({ length: 200 }, (_, i) => `text number ${i} about data`);
    const pending = embedder.embedDocuments(texts, controller.signal);
    controller.abort();
    await expect(pending).rejects.toMatchObject({ name: "AbortError" });
    // The worker stays usable.
    expect(await embedder.embedDocuments(["still works"])).toHaveLength(1);
    await embedder.dispose();
  });

  it("fails pending work when the worker crashes and starts a fresh worker on the next call", async () => {
    const spawned: Spawned[] = [];
    const embedder = new WorkerEmbedder({ model: tinyBert }, () => {
      spawned.push(channelWorker());
      return spawned.at(-1)!.worker;
    });
    await embedder.init();
    const pending = embedder.embedDocuments(Array.from({ length: 50 }, () => "data"));
    spawned[0].crash("out of memory");
    await expect(pending).rejects.toThrow("The embedding worker stopped: out of memory.");
    expect(await embedder.embedDocuments(["again"])).toHaveLength(1);
    expect(spawned).toHaveLength(2);
    await embedder.dispose();
  });
});
