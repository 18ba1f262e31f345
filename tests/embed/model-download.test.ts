// The hub is unreachable here, so these tests stand up a loopback server that speaks the hub's file
// protocol (/{model}/resolve/{revision}/{file}) and point the embedder at it through `remoteHost`.
import { createServer, type Server } from "node:http";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { TransformersEmbedder } from "../../src/core/embed/transformers-embedder";
import { buildTinyBert, TINY_BERT_HIDDEN } from "../fixtures/tiny-bert";

let root: string;
let source: string;
const requests: string[] = [];

async function serve(handler: Parameters<typeof createServer>[1]): Promise<{ server: Server; url: string }> {
  const server = createServer(handler);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/` };
}

const close = (server: Server) => new Promise<void>((resolve) => server.close(() => resolve()));

let hub: { server: Server; url: string };

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), "scholia-hub-"));
  source = await buildTinyBert(join(root, "source"));
  hub = await serve((req, res) => {
    requests.push(req.url ?? "");
    const match = /^\/acme\/tiny-bert\/resolve\/main\/(.+)$/.exec(req.url ?? "");
    if (!match) {
      res.writeHead(404).end("Repository not found");
      return;
    }
    readFile(join(source, match[1])).then(
      (body) => res.writeHead(200, { "content-length": body.length }).end(body),
      () => res.writeHead(404).end("Entry not found"),
    );
  });
});
afterAll(async () => {
  await close(hub.server);
  await rm(root, { recursive: true, force: true });
});

describe("downloading a hub model on first use", () => {
  it("downloads into the cache folder, reporting progress, then loads offline from the cache", async () => {
    const cacheDir = join(root, "cache");
    const progress: string[] = [];
    const online = new TransformersEmbedder({
      model: "acme/tiny-bert",
      allowRemote: true,
      remoteHost: hub.url,
      cacheDir,
      onProgress: (p) => progress.push(p.file),
    });
    await online.init();
    expect(online.dims).toBe(TINY_BERT_HIDDEN);
    expect(online.id).toBe("acme/tiny-bert");
    expect(requests).toContain("/acme/tiny-bert/resolve/main/onnx/model_quantized.onnx");
    expect(progress).toContain("onnx/model_quantized.onnx");

    const before = requests.length;
    const offline = new TransformersEmbedder({ model: "acme/tiny-bert", allowRemote: false, cacheDir });
    await offline.init();
    const [a] = await online.embedDocuments(["the cat sat"]);
    const [b] = await offline.embedDocuments(["the cat sat"]);
    expect(Array.from(b)).toEqual(Array.from(a));
    expect(requests.length).toBe(before);
  });

  it("explains a model the hub does not have", async () => {
    const embedder = new TransformersEmbedder({ model: "acme/missing", allowRemote: true, remoteHost: hub.url, cacheDir: join(root, "c2") });
    await expect(embedder.init()).rejects.toThrow("Could not download the embedding model acme/missing: the hub has no such model.");
  });

  it("says offline when the hub cannot be reached", async () => {
    const down = await serve(() => undefined);
    const url = down.url;
    await close(down.server);
    const embedder = new TransformersEmbedder({ model: "acme/tiny-bert", allowRemote: true, remoteHost: url, cacheDir: join(root, "c3") });
    await expect(embedder.init()).rejects.toThrow("Could not download the embedding model acme/tiny-bert (offline?).");
  });

  it("reports a failing hub as a server error", async () => {
    const failing = await serve((_req, res) => res.writeHead(503).end("busy"));
    const embedder = new TransformersEmbedder({ model: "acme/tiny-bert", allowRemote: true, remoteHost: failing.url, cacheDir: join(root, "c4") });
    await expect(embedder.init()).rejects.toThrow(/^Could not download the embedding model acme\/tiny-bert: the hub answered with a server error/);
    await close(failing.server);
  });
});
