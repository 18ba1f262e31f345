// The real embedding worker bundle — transformers.js on onnxruntime-web with the WASM inlined — run in
// a child Node process that plays the worker's global scope. It downloads a tiny model from a loopback
// "hub", embeds through the worker protocol, and must never touch any other host (no CDN).
import { execFile } from "node:child_process";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import esbuild from "esbuild";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { TransformersEmbedder } from "../../src/core/embed/transformers-embedder";
import { buildTinyBert } from "../fixtures/tiny-bert";

// Mirrors `embedWorker` in esbuild.config.mjs.
const WORKER_BUILD = {
  entryPoints: ["src/worker/embed-worker.ts"],
  bundle: true,
  format: "esm" as const,
  platform: "browser" as const,
  target: "es2022",
  loader: { ".wasm": "binary" as const },
  alias: { "onnxruntime-web/webgpu": "onnxruntime-web/wasm" },
  external: ["node:fs/promises"],
  minify: true,
  logLevel: "warning" as const,
};

// Runs in the child: hides `process` while the bundle loads (so transformers.js sees a browser
// worker, not Node), refuses any fetch that is not to the loopback hub, then drives the protocol.
const HARNESS = `
const [bundle, hub] = process.argv.slice(2);
const allowed = new URL(hub).host;
const realFetch = globalThis.fetch;
const blocked = [];
globalThis.fetch = (url, init) => {
  const host = new URL(String(url)).host;
  if (host !== allowed) { blocked.push(String(url)); return Promise.reject(new Error("blocked " + url)); }
  return realFetch(url, init);
};
const listeners = [];
const waiters = [];
globalThis.self = globalThis;
globalThis.postMessage = (m) => { if (m.type !== "progress") waiters.shift()?.(m); };
globalThis.addEventListener = (type, fn) => { if (type === "message") listeners.push(fn); };
const send = (m) => new Promise((resolve) => { waiters.push(resolve); for (const fn of listeners) fn({ data: m }); });
const proc = globalThis.process;
Object.defineProperty(globalThis, "process", { value: undefined, configurable: true, writable: true });
await import(bundle);
Object.defineProperty(globalThis, "process", { value: proc, configurable: true, writable: true });
const ready = await send({ type: "init", id: 1, options: { model: "acme/tiny-bert", allowRemote: true, remoteHost: hub } });
const vectors = await send({ type: "embed", id: 2, texts: ["the quick brown fox", "training data"], query: false });
proc.stdout.write(JSON.stringify({ ready, count: vectors.count, dims: vectors.dims, data: Array.from(vectors.data ?? []), blocked }));
proc.exit(0);
`;

let root: string;
let model: string;
let hub: Server;
let hubUrl: string;
const hubRequests: string[] = [];

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), "scholia-worker-bundle-"));
  model = await buildTinyBert(join(root, "tiny-bert"));
  hub = createServer((req, res) => {
    hubRequests.push(req.url ?? "");
    const match = /^\/acme\/tiny-bert\/resolve\/main\/(.+)$/.exec(req.url ?? "");
    if (!match) return void res.writeHead(404).end();
    readFile(join(model, match[1])).then(
      (body) => res.writeHead(200, { "content-length": body.length, "access-control-allow-origin": "*" }).end(body),
      () => res.writeHead(404).end(),
    );
  });
  await new Promise<void>((resolve) => hub.listen(0, "127.0.0.1", resolve));
  hubUrl = `http://127.0.0.1:${(hub.address() as AddressInfo).port}/`;
}, 120_000);
afterAll(async () => {
  await new Promise<void>((resolve) => hub.close(() => resolve()));
  await rm(root, { recursive: true, force: true });
});

describe("embedding worker bundle", () => {
  it("inlines the WASM, loads no code from a CDN, and embeds like the Node embedder", async () => {
    const result = await esbuild.build({ ...WORKER_BUILD, write: false, outfile: join(root, "embed-worker.mjs") });
    const bundle = result.outputFiles[0];
    // The WASM binary (about 14 MB) travels inside the bundle.
    expect(bundle.contents.byteLength).toBeGreaterThan(14_000_000);
    await writeFile(bundle.path, bundle.contents);
    const harness = join(root, "harness.mjs");
    await writeFile(harness, HARNESS);

    const stdout = await new Promise<string>((resolve, reject) =>
      execFile(process.execPath, [harness, bundle.path, hubUrl], { maxBuffer: 1 << 24, timeout: 90_000 }, (error, out, err) =>
        error ? reject(new Error(`${error.message}\n${err}`)) : resolve(out),
      ),
    );
    const output = JSON.parse(stdout) as { ready: { type: string; dims: number }; count: number; dims: number; data: number[]; blocked: string[] };
    expect(output.blocked).toEqual([]);
    expect(output.ready).toMatchObject({ type: "ready", dims: 32 });
    expect(hubRequests).toContain("/acme/tiny-bert/resolve/main/onnx/model_quantized.onnx");
    expect(output.count).toBe(2);

    const reference = await new TransformersEmbedder({ model }).embedDocuments(["the quick brown fox", "training data"]);
    reference.forEach((v, i) => {
      const w = output.data.slice(i * 32, (i + 1) * 32);
      const cos = v.reduce((s, x, d) => s + x * w[d], 0);
      expect(cos).toBeGreaterThan(0.999);
    });
  }, 120_000);
});
