// RemoteEmbedder against a real HTTP server on 127.0.0.1 that plays an OpenAI-compatible /embeddings
// endpoint, misbehaving on cue.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { embeddingsUrl, RemoteEmbedder, retryAfterMs, type FetchLike } from "../../src/core/embed/remote-embedder";

const KEY = "sk-test-SECRET-123456";

interface Seen {
  auth: string | undefined;
  body: { model: string; input: string[] };
}

type Handler = (seen: Seen, res: ServerResponse, n: number) => unknown;

let server: Server | null = null;

async function startServer(handler: Handler): Promise<{ baseUrl: string; seen: Seen[] }> {
  const seen: Seen[] = [];
  server = createServer((req: IncomingMessage, res) => {
    let raw = "";
    req.on("data", (c: Buffer) => (raw += c.toString()));
    req.on("end", () => {
      if (req.url !== "/v1/embeddings" || req.method !== "POST") {
        res.writeHead(404).end(JSON.stringify({ error: { message: `no route ${req.url}` } }));
        return;
      }
      const s: Seen = { auth: req.headers.authorization, body: JSON.parse(raw) as Seen["body"] };
      seen.push(s);
      void handler(s, res, seen.length);
    });
  });
  await new Promise<void>((resolve) => server!.listen(0, "127.0.0.1", resolve));
  return { baseUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`, seen };
}

afterEach(async () => {
  if (server) await new Promise<void>((resolve) => server!.close(() => resolve()));
  server = null;
});

/** A deterministic fake embedding: [length, 1, 0]. */
const vectorFor = (text: string) => [text.length, 1, 0];

function ok(res: ServerResponse, input: string[], reorder = false) {
  const data = input.map((t, index) => ({ object: "embedding", index, embedding: vectorFor(t) }));
  if (reorder) data.reverse();
  res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ object: "list", data, model: "m" }));
}

function json(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  res.writeHead(status, { "content-type": "application/json", ...headers }).end(JSON.stringify(body));
}

describe("RemoteEmbedder", () => {
  it("embeds in batches, in input order, with normalized vectors and the API key as a bearer token", async () => {
    const { baseUrl, seen } = await startServer((s, res, n) => ok(res, s.body.input, n % 2 === 0));
    const embedder = new RemoteEmbedder({ baseUrl, model: "text-embed", apiKey: KEY, batchSize: 3 });
    const texts = ["a", "bb", "ccc", "dddd", "eeeee", "ffffff", "g"];
    const vectors = await embedder.embedDocuments(texts);
    expect(seen.map((s) => s.body.input.length)).toEqual([3, 3, 1]);
    expect(seen.every((s) => s.auth === `Bearer ${KEY}` && s.body.model === "text-embed")).toBe(true);
    vectors.forEach((v, i) => {
      const [x, y] = vectorFor(texts[i]);
      expect(v[0]).toBeCloseTo(x / Math.hypot(x, y), 5);
      expect(Math.hypot(...v)).toBeCloseTo(1, 5);
    });
  });

  it("learns the vector size on init and records model and host in its id", async () => {
    const { baseUrl } = await startServer((s, res) => ok(res, s.body.input));
    const embedder = new RemoteEmbedder({ baseUrl, model: "nomic-embed-text" });
    await embedder.init();
    expect(embedder.dims).toBe(3);
    expect(embedder.id).toBe(`nomic-embed-text@${new URL(baseUrl).host}`);
  });

  it("keeps at most `concurrency` requests in flight", async () => {
    let inFlight = 0;
    let peak = 0;
    const { baseUrl, seen } = await startServer(async (s, res) => {
      peak = Math.max(peak, ++inFlight);
      await new Promise((r) => setTimeout(r, 30));
      inFlight--;
      ok(res, s.body.input);
    });
    const embedder = new RemoteEmbedder({ baseUrl, model: "m", batchSize: 1, concurrency: 2 });
    await embedder.embedDocuments(["1", "2", "3", "4", "5", "6"]);
    expect(seen).toHaveLength(6);
    expect(peak).toBe(2);
  });

  it("waits as long as Retry-After says on 429, then succeeds", async () => {
    const { baseUrl, seen } = await startServer((s, res, n) =>
      n === 1 ? json(res, 429, { error: { message: "Rate limit reached" } }, { "retry-after": "1" }) : ok(res, s.body.input),
    );
    const embedder = new RemoteEmbedder({ baseUrl, model: "m", retryBaseMs: 1 });
    const started = Date.now();
    const [v] = await embedder.embedDocuments(["hello"]);
    expect(Date.now() - started).toBeGreaterThanOrEqual(950);
    expect(seen).toHaveLength(2);
    expect(v).toHaveLength(3);
  });

  it("retries a 500 with backoff", async () => {
    const { baseUrl, seen } = await startServer((s, res, n) => (n < 3 ? json(res, 500, { error: "overloaded" }) : ok(res, s.body.input)));
    const embedder = new RemoteEmbedder({ baseUrl, model: "m", retryBaseMs: 5 });
    await embedder.embedDocuments(["x"]);
    expect(seen).toHaveLength(3);
  });

  it("gives up after maxRetries with the server's reason", async () => {
    const { baseUrl, seen } = await startServer((_s, res) => json(res, 503, { error: { message: "model is loading" } }));
    const embedder = new RemoteEmbedder({ baseUrl, model: "m", retryBaseMs: 1, maxRetries: 2 });
    await expect(embedder.embedDocuments(["x"])).rejects.toThrow(
      `The embeddings server at ${new URL(baseUrl).host} failed (HTTP 503): model is loading.`,
    );
    expect(seen).toHaveLength(3);
  });

  it("fails at once on 401 with a clear message that never contains the key", async () => {
    const { baseUrl, seen } = await startServer((_s, res) =>
      json(res, 401, { error: { message: `Incorrect API key provided: ${KEY}` } }),
    );
    const embedder = new RemoteEmbedder({ baseUrl, model: "m", apiKey: KEY, retryBaseMs: 1 });
    const error = (await embedder.embedDocuments(["x"]).catch((e: unknown) => e)) as Error;
    expect(seen).toHaveLength(1);
    expect(error.message).toMatch(/rejected the API key \(HTTP 401\)/);
    expect(error.message).not.toContain(KEY);
  });

  it("fails at once on 404 naming the model", async () => {
    const { baseUrl, seen } = await startServer((_s, res) => json(res, 404, { error: 'model "nope" not found, try pulling it first' }));
    const embedder = new RemoteEmbedder({ baseUrl, model: "nope", retryBaseMs: 1 });
    await expect(embedder.embedDocuments(["x"])).rejects.toThrow(/no model "nope" \(HTTP 404\): model "nope" not found, try pulling it first\.$/);
    expect(seen).toHaveLength(1);
  });

  it("rejects a response that is not JSON", async () => {
    const { baseUrl } = await startServer((_s, res) => res.writeHead(200).end("<html>proxy error</html>"));
    const embedder = new RemoteEmbedder({ baseUrl, model: "m" });
    await expect(embedder.embedDocuments(["x"])).rejects.toThrow("returned a response that is not JSON.");
  });

  it("rejects a response with the wrong number of vectors", async () => {
    const { baseUrl } = await startServer((s, res) => ok(res, s.body.input.slice(1)));
    const embedder = new RemoteEmbedder({ baseUrl, model: "m" });
    await expect(embedder.embedDocuments(["a", "b"])).rejects.toThrow("returned 1 vectors for 2 texts.");
  });

  it("rejects vectors of inconsistent size", async () => {
    const { baseUrl } = await startServer((_s, res) => json(res, 200, { data: [{ index: 0, embedding: [1, 2] }, { index: 1, embedding: [1, 2, 3] }] }));
    const embedder = new RemoteEmbedder({ baseUrl, model: "m" });
    await expect(embedder.embedDocuments(["a", "b"])).rejects.toThrow(/vectors of 3 dimensions where 2 were expected/);
  });

  it("explains a server that is not running", async () => {
    const { baseUrl } = await startServer(() => undefined);
    await new Promise<void>((resolve) => server!.close(() => resolve()));
    server = null;
    const embedder = new RemoteEmbedder({ baseUrl, model: "m", retryBaseMs: 1 });
    await expect(embedder.init()).rejects.toThrow(
      `Could not reach the embeddings server at ${new URL(baseUrl).host} (connection refused; is the server running?).`,
    );
  });

  it("stops when the signal is aborted during a backoff", async () => {
    const { baseUrl } = await startServer((_s, res) => json(res, 429, {}, { "retry-after": "30" }));
    const embedder = new RemoteEmbedder({ baseUrl, model: "m" });
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 50);
    await expect(embedder.embedDocuments(["x"], controller.signal)).rejects.toMatchObject({ name: "AbortError" });
  });

  it("uses an injected fetch (the plugin's requestUrl bridge)", async () => {
    const calls: string[] = [];
    const fetch: FetchLike = async (url, init) => {
      calls.push(url);
      const { input } = JSON.parse(init.body) as { input: string[] };
      const body = JSON.stringify({ data: input.map((_, index) => ({ index, embedding: [0, 2] })) });
      return { status: 200, headers: { get: () => null }, text: async () => body };
    };
    const embedder = new RemoteEmbedder({ baseUrl: "http://localhost:11434", model: "m", fetch });
    expect(Array.from(await embedder.embedQuery("q"))).toEqual([0, 1]);
    expect(calls).toEqual(["http://localhost:11434/v1/embeddings"]);
  });
});

describe("remote embedder helpers", () => {
  it("builds the /embeddings URL from common base URLs", () => {
    expect(embeddingsUrl("https://api.openai.com/v1")).toBe("https://api.openai.com/v1/embeddings");
    expect(embeddingsUrl("http://localhost:11434/")).toBe("http://localhost:11434/v1/embeddings");
    expect(embeddingsUrl("http://gpu:8080/v1/embeddings")).toBe("http://gpu:8080/v1/embeddings");
    expect(() => embeddingsUrl("localhost:1234")).toThrow(/not a valid http\(s\) URL/);
  });

  it("reads Retry-After as seconds, as an HTTP date, and OpenAI's retry-after-ms", () => {
    const headers = (h: Record<string, string>) => ({ get: (n: string) => h[n] ?? null });
    expect(retryAfterMs(headers({ "retry-after": "2" }))).toBe(2000);
    expect(retryAfterMs(headers({ "retry-after-ms": "150" }))).toBe(150);
    const now = Date.parse("2026-01-01T00:00:00Z");
    expect(retryAfterMs(headers({ "retry-after": "Thu, 01 Jan 2026 00:00:05 GMT" }), now)).toBe(5000);
    expect(retryAfterMs(headers({}))).toBeNull();
  });
});
