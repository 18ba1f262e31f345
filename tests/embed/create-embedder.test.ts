import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createEmbedder } from "../../src/core/embed/create-embedder";
import { RemoteEmbedder } from "../../src/core/embed/remote-embedder";
import { selectEmbedder } from "../../src/core/embed/select-embedder";
import { TransformersEmbedder } from "../../src/core/embed/transformers-embedder";
import { buildTinyBert } from "../fixtures/tiny-bert";

let root: string;
beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), "scholia-create-"));
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

describe("createEmbedder", () => {
  it("returns no embedder and no notice for keyword-only configurations", async () => {
    expect(await createEmbedder({ kind: "none" })).toEqual({ embedder: null });
  });

  it("returns an initialized local embedder for a loadable model", async () => {
    const dir = await buildTinyBert(join(root, "tiny"));
    const { embedder, notice } = await createEmbedder({ kind: "local", model: dir });
    expect(notice).toBeUndefined();
    expect(embedder).toBeInstanceOf(TransformersEmbedder);
    expect(embedder!.dims).toBe(32);
    await embedder!.dispose();
  });

  it("falls back to keyword search with a notice when the model cannot be downloaded (offline first run)", async () => {
    const { embedder, notice } = await createEmbedder({
      kind: "local",
      model: "Xenova/all-MiniLM-L6-v2",
      allowRemote: false,
      cacheDir: join(root, "empty-cache"),
    });
    expect(embedder).toBeNull();
    expect(notice).toBe(
      "The embedding model Xenova/all-MiniLM-L6-v2 is not downloaded yet and downloading is turned off; using keyword search only.",
    );
  });

  it("falls back with a notice when the hub is unreachable", async () => {
    const { embedder, notice } = await createEmbedder(
      { kind: "local", model: "Xenova/all-MiniLM-L6-v2", allowRemote: true, cacheDir: join(root, "c2") },
      { local: { remoteHost: "http://127.0.0.1:9/" } },
    );
    expect(embedder).toBeNull();
    expect(notice).toBe("Could not download the embedding model Xenova/all-MiniLM-L6-v2 (offline?); using keyword search only.");
  });

  it("falls back with a notice when the remote server is down, never throwing", async () => {
    const server: Server = createServer();
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    const port = (server.address() as AddressInfo).port;
    await new Promise<void>((r) => server.close(() => r()));
    const { embedder, notice } = await createEmbedder({ kind: "remote", baseUrl: `http://127.0.0.1:${port}/v1`, model: "m" });
    expect(embedder).toBeNull();
    expect(notice).toMatch(/^Could not reach the embeddings server at 127\.0\.0\.1:\d+ \(connection refused; is the server running\?\); using keyword search only\.$/);
  });

  it("reports an invalid remote URL as a notice", async () => {
    const { embedder, notice } = await createEmbedder({ kind: "remote", baseUrl: "not a url", model: "m" });
    expect(embedder).toBeNull();
    expect(notice).toBe('The embeddings server URL "not a url" is not a valid http(s) URL; using keyword search only.');
  });

  it("builds a remote embedder with the given fetch", async () => {
    const fetch = async () => ({ status: 200, headers: { get: () => null }, text: async () => '{"data":[{"index":0,"embedding":[1,0,0,0]}]}' });
    const { embedder } = await createEmbedder({ kind: "remote", baseUrl: "https://api.example.com/v1", model: "m", apiKey: "k" }, { fetch });
    expect(embedder).toBeInstanceOf(RemoteEmbedder);
    expect(embedder!.dims).toBe(4);
  });
});

describe("selectEmbedder", () => {
  it("uses the caller's local embedder factory (the plugin's worker)", async () => {
    const seen: string[] = [];
    const { embedder } = await selectEmbedder(
      { kind: "local", model: "some/model" },
      {
        local: (config) => {
          seen.push(config.model);
          return {
            id: config.model,
            dims: 2,
            init: async () => undefined,
            embedDocuments: async (texts) => texts.map(() => Float32Array.of(1, 0)),
            embedQuery: async () => Float32Array.of(1, 0),
            dispose: async () => undefined,
          };
        },
      },
    );
    expect(seen).toEqual(["some/model"]);
    expect(embedder?.id).toBe("some/model");
  });

  it("propagates cancellation instead of turning it into a notice", async () => {
    const controller = new AbortController();
    controller.abort();
    const dir = await buildTinyBert(join(root, "tiny-abort"));
    await expect(createEmbedder({ kind: "local", model: dir }, { signal: controller.signal })).rejects.toMatchObject({ name: "AbortError" });
  });
});
