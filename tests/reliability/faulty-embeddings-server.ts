// A loopback /v1/embeddings endpoint that fails on purpose. The shared fake OpenAI server always
// answers embeddings correctly; this one fails the way real embedding servers do (rate limits, 5xx,
// bodies that are not JSON, connections that die or hang, slow drips) and counts every request.
import { createServer, type Server } from "node:http";
import type { AddressInfo, Socket } from "node:net";
import { deterministicEmbedding } from "../helpers/fake-openai-server";

export type EmbeddingFault = "ok" | "unauthorized" | "not-found" | "rate-limited" | "server-error" | "malformed" | "truncated" | "hang" | "drip";

export interface FaultyEmbeddingsServer {
  baseURL: string;
  /** Requests received (the dimension probe included). */
  readonly count: number;
  /** Switches the behaviour, e.g. build an index while "ok", then fail. */
  setFault(fault: EmbeddingFault): void;
  close(): Promise<void>;
}

export async function startFaultyEmbeddingsServer(fault: EmbeddingFault, dims = 32): Promise<FaultyEmbeddingsServer> {
  let count = 0;
  let current = fault;
  const sockets = new Set<Socket>();
  const server: Server = createServer((req, res) => {
    let body = "";
    req.on("data", (d: Buffer) => (body += d.toString()));
    req.on("end", () => {
      count++;
      const json = (status: number, payload: unknown, headers: Record<string, string> = {}) => {
        res.writeHead(status, { "Content-Type": "application/json", ...headers });
        res.end(JSON.stringify(payload));
      };
      const ok = (): string => {
        const input = (JSON.parse(body) as { input: string[] }).input;
        return JSON.stringify({ object: "list", data: input.map((t, index) => ({ object: "embedding", index, embedding: Array.from(deterministicEmbedding(t, dims)) })), model: "fake-model" });
      };
      switch (current) {
        case "ok":
          res.writeHead(200, { "Content-Type": "application/json" });
          return res.end(ok());
        case "unauthorized": {
          const given = String(req.headers.authorization ?? "").replace(/^Bearer\s+/i, "");
          return json(401, { error: { message: `Incorrect API key provided: ${given}.`, code: "invalid_api_key" } });
        }
        case "not-found":
          return json(404, { error: { message: "The model `fake-model` does not exist.", code: "model_not_found" } });
        case "rate-limited":
          return json(429, { error: { message: "Rate limit reached." } }, { "Retry-After": "1" });
        case "server-error":
          return json(500, { error: { message: "The server had an error." } });
        case "malformed":
          res.writeHead(200, { "Content-Type": "application/json" });
          return res.end('{"object":"list","data":[{"embedding":[0.1, 0.2,');
        case "truncated":
          res.writeHead(200, { "Content-Type": "application/json", "Content-Length": "100000" });
          res.write('{"object":"list","data":[');
          return void setTimeout(() => res.socket?.destroy(), 20);
        case "hang":
          return; // never answers
        case "drip": {
          const text = ok();
          res.writeHead(200, { "Content-Type": "application/json" });
          let at = 0;
          const step = Math.ceil(text.length / 5);
          const tick = () => {
            if (res.destroyed) return;
            res.write(text.slice(at, at + step));
            at += step;
            if (at >= text.length) res.end();
            else setTimeout(tick, 100);
          };
          return tick();
        }
      }
    });
  });
  server.on("connection", (s) => {
    sockets.add(s);
    s.on("close", () => sockets.delete(s));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    baseURL: `http://127.0.0.1:${port}/v1`,
    get count() {
      return count;
    },
    setFault: (f) => void (current = f),
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}
