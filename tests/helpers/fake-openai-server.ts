// A real HTTP server on 127.0.0.1 that speaks the OpenAI REST API closely enough for the `openai` SDK
// and for raw fetch: chat completions (streamed as SSE in OpenAI's exact chunk format, or whole),
// /v1/models, /v1/embeddings (deterministic vectors, float or base64). Tests script one reply per
// request and can ask for every failure a real server produces: auth errors, unknown models, rate
// limits, 5xx, truncated or malformed streams, slow drips and hangs. Every request is recorded.
//
//   const server = await startFakeOpenAiServer({ respond: (req) => replies.text("Hello [S1].") });
//   const client = new OpenAiLlmClient({ baseURL: server.baseURL, model: "fake-model" });
//   ...
//   expect(server.chatRequests()[0].body.messages).toContainEqual(...);
//   await server.close();
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo, Socket } from "node:net";

/** One reply to one chat-completions request. Build them with `replies.*`. */
export type FakeReply =
  | {
      type: "text";
      /** Pieces streamed as separate chunks, in order (a string is split into word-sized pieces). */
      content: string | string[];
      finishReason?: "stop" | "length";
      /** Pause before each streamed chunk (a slow drip). */
      delayMs?: number;
      /** Stream this many content chunks, then stop sending but keep the connection open. */
      stallAfter?: number;
    }
  | {
      type: "error";
      status: number;
      message: string;
      code?: string | null;
      errorType?: string;
      /** Seconds, sent as the Retry-After header. */
      retryAfter?: number;
    }
  /** Sends these pieces as good chunks, then ends the response without finish_reason or [DONE]
   *  ("end") or destroys the socket mid-stream ("destroy"). */
  | { type: "truncate"; content: string[]; how: "end" | "destroy" }
  /** Sends these pieces as good chunks, then a chunk that is not JSON. */
  | { type: "malformed"; content: string[] }
  /** Never answers (until the client gives up or the server closes). */
  | { type: "hang" }
  /** Anything else: a raw status, headers and body. */
  | { type: "raw"; status: number; headers?: Record<string, string>; body: string };

export const replies = {
  text: (content: string | string[], extra: Omit<Extract<FakeReply, { type: "text" }>, "type" | "content"> = {}): FakeReply => ({
    type: "text",
    content,
    ...extra,
  }),
  error: (status: number, message = defaultErrorMessage(status), extra: { code?: string | null; errorType?: string; retryAfter?: number } = {}): FakeReply => ({
    type: "error",
    status,
    message,
    ...extra,
  }),
  rateLimited: (retryAfterSeconds: number): FakeReply => ({
    type: "error",
    status: 429,
    message: "Rate limit reached for requests. Please try again later.",
    code: "rate_limit_exceeded",
    errorType: "requests",
    retryAfter: retryAfterSeconds,
  }),
  truncated: (content: string[], how: "end" | "destroy" = "end"): FakeReply => ({ type: "truncate", content, how }),
  malformed: (content: string[] = []): FakeReply => ({ type: "malformed", content }),
  drip: (content: string[], delayMs: number): FakeReply => ({ type: "text", content, delayMs }),
  stall: (content: string[], stallAfter = content.length): FakeReply => ({ type: "text", content, stallAfter }),
  hang: (): FakeReply => ({ type: "hang" }),
  raw: (status: number, body: string, headers?: Record<string, string>): FakeReply => ({ type: "raw", status, body, headers }),
};

export interface ChatCompletionRequestBody {
  model: string;
  messages: { role: string; content: string }[];
  stream?: boolean;
  stream_options?: { include_usage?: boolean };
  temperature?: number;
  max_tokens?: number;
  max_completion_tokens?: number;
  response_format?: { type: string };
  [key: string]: unknown;
}

export interface RecordedRequest {
  method: string;
  /** Path without the query string, e.g. "/v1/chat/completions". */
  path: string;
  headers: Record<string, string | string[] | undefined>;
  rawBody: string;
  /** Parsed JSON body, or null when there was none or it was not JSON. */
  body: unknown;
  receivedAt: number;
}

export interface ChatRequest extends RecordedRequest {
  body: ChatCompletionRequestBody;
}

export type Responder = (req: ChatRequest, index: number) => FakeReply | Promise<FakeReply>;

export interface FakeOpenAiServerOptions {
  /** Models the server knows; other names get OpenAI's 404 "model does not exist". Default ["fake-model"]. */
  models?: string[];
  /** When set, requests must carry `Authorization: Bearer <apiKey>`, else 401. */
  apiKey?: string;
  /** Reply to chat completions. Replies queued with `enqueue` take precedence. Default: "OK". */
  respond?: Responder;
  /** Length of /v1/embeddings vectors. Default 32. */
  embeddingDims?: number;
}

export interface FakeOpenAiServer {
  /** e.g. "http://127.0.0.1:54321" */
  readonly url: string;
  /** `${url}/v1`, what an OpenAI-compatible client takes as base URL. */
  readonly baseURL: string;
  readonly port: number;
  /** Every request received, in order. */
  readonly requests: RecordedRequest[];
  /** The chat-completions requests only. */
  chatRequests(): ChatRequest[];
  /** Replies used, in order, for the next chat requests before `respond` is consulted. */
  enqueue(...replies: FakeReply[]): void;
  setResponder(respond: Responder): void;
  /** Closes the server and every open connection (hanging ones included). */
  close(): Promise<void>;
}

export async function startFakeOpenAiServer(options: FakeOpenAiServerOptions = {}): Promise<FakeOpenAiServer> {
  const models = options.models ?? ["fake-model"];
  const dims = options.embeddingDims ?? 32;
  const requests: RecordedRequest[] = [];
  const queue: FakeReply[] = [];
  let respond: Responder = options.respond ?? (() => replies.text("OK"));
  let chatIndex = 0;
  const sockets = new Set<Socket>();
  const timers = new Set<ReturnType<typeof setTimeout>>();

  const sleep = (ms: number) =>
    new Promise<void>((resolve) => {
      const t = setTimeout(() => {
        timers.delete(t);
        resolve();
      }, ms);
      timers.add(t);
    });

  const server: Server = createServer((req, res) => {
    void handle(req, res).catch((err: unknown) => {
      // A failing responder is a bug in the test; answer 500 so the client side sees it too.
      if (!res.headersSent) sendJson(res, 500, { error: { message: `fake server: ${String(err)}`, type: "server_error" } });
      else res.destroy();
    });
  });
  server.on("connection", (socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const rawBody = await readBody(req);
    let body: unknown = null;
    try {
      body = rawBody ? JSON.parse(rawBody) : null;
    } catch {
      body = null;
    }
    const path = (req.url ?? "/").split("?")[0];
    const recorded: RecordedRequest = { method: req.method ?? "GET", path, headers: req.headers, rawBody, body, receivedAt: Date.now() };
    requests.push(recorded);

    if (options.apiKey !== undefined && req.headers.authorization !== `Bearer ${options.apiKey}`) {
      const given = (req.headers.authorization ?? "").replace(/^Bearer\s+/i, "");
      // OpenAI echoes a masked key in this message; reproduce that so clients must scrub it.
      return sendJson(res, 401, {
        error: { message: `Incorrect API key provided: ${given}. You can find your API key at https://platform.openai.com/account/api-keys.`, type: "invalid_request_error", param: null, code: "invalid_api_key" },
      });
    }

    if (req.method === "GET" && path === "/v1/models") {
      return sendJson(res, 200, { object: "list", data: models.map((id) => ({ id, object: "model", created: 1700000000, owned_by: "fake" })) });
    }
    if (req.method === "POST" && path === "/v1/embeddings") return handleEmbeddings(res, body);
    if (req.method === "POST" && path === "/v1/chat/completions") {
      const chatBody = body as ChatCompletionRequestBody | null;
      if (!chatBody || typeof chatBody.model !== "string" || !Array.isArray(chatBody.messages)) {
        return sendJson(res, 400, { error: { message: "'messages' and 'model' are required properties.", type: "invalid_request_error", param: null, code: null } });
      }
      if (!models.includes(chatBody.model)) return sendUnknownModel(res, chatBody.model);
      const index = chatIndex++;
      const reply = queue.length > 0 ? queue.shift()! : await respond(recorded as ChatRequest, index);
      return sendChat(res, chatBody, reply);
    }
    sendJson(res, 404, { error: { message: `Unknown request URL: ${req.method} ${path}.`, type: "invalid_request_error", param: null, code: "unknown_url" } });
  }

  function handleEmbeddings(res: ServerResponse, body: unknown): void {
    const b = body as { model?: string; input?: string | string[]; encoding_format?: string } | null;
    if (!b || typeof b.model !== "string" || b.input === undefined) {
      return sendJson(res, 400, { error: { message: "'input' and 'model' are required properties.", type: "invalid_request_error", param: null, code: null } });
    }
    if (!models.includes(b.model)) return sendUnknownModel(res, b.model);
    const inputs = Array.isArray(b.input) ? b.input : [b.input];
    const data = inputs.map((text, index) => {
      const v = deterministicEmbedding(String(text), dims);
      const embedding = b.encoding_format === "base64" ? Buffer.from(v.buffer, v.byteOffset, v.byteLength).toString("base64") : Array.from(v);
      return { object: "embedding", index, embedding };
    });
    const tokens = inputs.reduce((n, t) => n + String(t).split(/\s+/).length, 0);
    sendJson(res, 200, { object: "list", data, model: b.model, usage: { prompt_tokens: tokens, total_tokens: tokens } });
  }

  async function sendChat(res: ServerResponse, body: ChatCompletionRequestBody, reply: FakeReply): Promise<void> {
    const id = `chatcmpl-fake${chatIndex}`;
    const created = Math.floor(Date.now() / 1000);
    const chunk = (delta: Record<string, unknown>, finish: string | null) =>
      JSON.stringify({ id, object: "chat.completion.chunk", created, model: body.model, system_fingerprint: "fp_fake", choices: [{ index: 0, delta, logprobs: null, finish_reason: finish }] });
    const startStream = () => {
      res.writeHead(200, { "Content-Type": "text/event-stream; charset=utf-8", "Cache-Control": "no-cache", Connection: "keep-alive" });
      res.write(`data: ${chunk({ role: "assistant", content: "", refusal: null }, null)}\n\n`);
    };

    switch (reply.type) {
      case "error": {
        const headers: Record<string, string> = {};
        if (reply.retryAfter !== undefined) headers["Retry-After"] = String(reply.retryAfter);
        return sendJson(res, reply.status, { error: { message: reply.message, type: reply.errorType ?? errorTypeFor(reply.status), param: null, code: reply.code ?? null } }, headers);
      }
      case "raw":
        res.writeHead(reply.status, reply.headers ?? { "Content-Type": "application/json" });
        res.end(reply.body);
        return;
      case "hang":
        return; // the response stays open; close() or the client's abort ends it
      case "truncate":
      case "malformed": {
        startStream();
        for (const piece of reply.content) res.write(`data: ${chunk({ content: piece }, null)}\n\n`);
        if (reply.type === "malformed") {
          res.write(`data: {"id":"${id}","object":"chat.completion.chunk","choices":[{"index":0,"delta":{"content":"bro\n\n`);
          res.end();
        } else if (reply.how === "destroy") {
          // Let the good chunks reach the client before the connection dies.
          await sleep(20);
          res.socket?.destroy();
        } else {
          res.end();
        }
        return;
      }
      case "text": {
        const pieces = typeof reply.content === "string" ? splitPieces(reply.content) : reply.content;
        const finish = reply.finishReason ?? "stop";
        const completionTokens = pieces.length;
        const promptTokens = body.messages.reduce((n, m) => n + String(m.content).split(/\s+/).length, 0);
        const usage = { prompt_tokens: promptTokens, completion_tokens: completionTokens, total_tokens: promptTokens + completionTokens };
        if (!body.stream) {
          if (reply.stallAfter !== undefined) return; // a non-streaming stall is a hang
          if (reply.delayMs) await sleep(reply.delayMs * pieces.length);
          return sendJson(res, 200, {
            id,
            object: "chat.completion",
            created,
            model: body.model,
            system_fingerprint: "fp_fake",
            choices: [{ index: 0, message: { role: "assistant", content: pieces.join(""), refusal: null }, logprobs: null, finish_reason: finish }],
            usage,
          });
        }
        startStream();
        for (let i = 0; i < pieces.length; i++) {
          if (reply.stallAfter !== undefined && i >= reply.stallAfter) return;
          if (reply.delayMs) await sleep(reply.delayMs);
          if (res.destroyed) return;
          res.write(`data: ${chunk({ content: pieces[i] }, null)}\n\n`);
        }
        if (reply.stallAfter !== undefined && reply.stallAfter >= pieces.length) return;
        res.write(`data: ${chunk({}, finish)}\n\n`);
        if (body.stream_options?.include_usage) {
          res.write(`data: ${JSON.stringify({ id, object: "chat.completion.chunk", created, model: body.model, system_fingerprint: "fp_fake", choices: [], usage })}\n\n`);
        }
        res.write("data: [DONE]\n\n");
        res.end();
        return;
      }
    }
  }

  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  const url = `http://127.0.0.1:${port}`;

  return {
    url,
    baseURL: `${url}/v1`,
    port,
    requests,
    chatRequests: () => requests.filter((r) => r.path === "/v1/chat/completions" && r.body !== null) as ChatRequest[],
    enqueue: (...r: FakeReply[]) => void queue.push(...r),
    setResponder: (r: Responder) => void (respond = r),
    close: () =>
      new Promise<void>((resolve) => {
        for (const t of timers) clearTimeout(t);
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}

/** The vector /v1/embeddings returns for a text: hashed word counts, L2-normalized. Texts that share
 *  words get similar vectors, so retrieval tests behave sensibly; identical texts get identical ones. */
export function deterministicEmbedding(text: string, dims = 32): Float32Array {
  const v = new Float32Array(dims);
  for (const word of text.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? []) {
    let h = 2166136261;
    for (let i = 0; i < word.length; i++) h = Math.imul(h ^ word.charCodeAt(i), 16777619);
    v[(h >>> 0) % dims] += 1;
  }
  let norm = 0;
  for (const x of v) norm += x * x;
  norm = Math.sqrt(norm);
  if (norm === 0) v[0] = 1;
  else for (let i = 0; i < dims; i++) v[i] /= norm;
  return v;
}

/** Splits text into streaming pieces the way servers do: a word with its leading space. */
function splitPieces(text: string): string[] {
  return text.match(/\s*\S+|\s+$/g) ?? [text];
}

function defaultErrorMessage(status: number): string {
  if (status === 401) return "Incorrect API key provided.";
  if (status === 429) return "Rate limit reached for requests.";
  if (status >= 500) return "The server had an error while processing your request. Sorry about that!";
  return `Request failed with status ${status}.`;
}

function errorTypeFor(status: number): string {
  if (status >= 500) return "server_error";
  if (status === 429) return "requests";
  return "invalid_request_error";
}

function sendUnknownModel(res: ServerResponse, model: string): void {
  sendJson(res, 404, {
    error: { message: `The model \`${model}\` does not exist or you do not have access to it.`, type: "invalid_request_error", param: null, code: "model_not_found" },
  });
}

function sendJson(res: ServerResponse, status: number, payload: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(payload);
  res.writeHead(status, { "Content-Type": "application/json", "Content-Length": String(Buffer.byteLength(text)), ...headers });
  res.end(text);
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const parts: Buffer[] = [];
    req.on("data", (d: Buffer) => parts.push(d));
    req.on("end", () => resolve(Buffer.concat(parts).toString("utf8")));
    req.on("error", reject);
  });
}
