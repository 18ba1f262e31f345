// Embeddings from an OpenAI-compatible /embeddings endpoint (OpenAI, Ollama, LM Studio,
// text-embeddings-inference, vLLM…): how a vault too large for a laptop's CPU uses a GPU server.
// Batches requests, keeps a bounded number in flight, retries what is worth retrying (429 with its
// Retry-After, 5xx, dropped connections) with exponential backoff, and reports every failure in one
// sentence that never contains the API key.
import type { Embedder } from "./embedder";
import { modelProfile } from "./models";
import { l2Normalize } from "./pooling";

export interface FetchResponseLike {
  status: number;
  headers: { get(name: string): string | null };
  text(): Promise<string>;
}

/** The subset of `fetch` the embedder uses; the plugin passes one backed by Obsidian's requestUrl. */
export type FetchLike = (
  url: string,
  init: { method: string; headers: Record<string, string>; body: string; signal?: AbortSignal },
) => Promise<FetchResponseLike>;

export interface RemoteEmbedderOptions {
  /** Server base URL: "https://api.openai.com/v1", "http://localhost:11434/v1" (Ollama),
   *  "http://localhost:1234/v1" (LM Studio). A bare origin gets "/v1"; a URL ending in /embeddings is used as is. */
  baseUrl: string;
  model: string;
  apiKey?: string;
  /** Texts per request. Default 64. */
  batchSize?: number;
  /** Requests in flight at once. Default 2. */
  concurrency?: number;
  /** Retries per request after the first attempt. Default 5. */
  maxRetries?: number;
  /** First backoff delay; doubles each retry (with jitter), capped at 30 s. Default 500 ms. */
  retryBaseMs?: number;
  /** Per-request timeout. Default 60 s. */
  timeoutMs?: number;
  /** Ask the server for shorter vectors (OpenAI text-embedding-3 `dimensions`). */
  dimensions?: number;
  /** Prefixes some models want (e.g. nomic-embed-text's "search_query: "); default from the model name. */
  queryPrefix?: string;
  documentPrefix?: string;
  fetch?: FetchLike;
}

const MAX_BACKOFF_MS = 30_000;
/** Longest Retry-After we honour before trying again anyway. */
const MAX_RETRY_AFTER_MS = 60_000;
/** A server that is not there will not appear in a few seconds: retry dropped connections less. */
const MAX_NETWORK_RETRIES = 2;

/** The full /embeddings URL for a configured base URL. */
export function embeddingsUrl(baseUrl: string): string {
  const trimmed = baseUrl.trim().replace(/\/+$/, "");
  let url: URL;
  try {
    url = new URL(trimmed);
  } catch {
    throw new Error(`The embeddings server URL "${baseUrl}" is not a valid http(s) URL.`);
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") {
    throw new Error(`The embeddings server URL "${baseUrl}" is not a valid http(s) URL.`);
  }
  if (/\/embeddings$/.test(url.pathname)) return trimmed;
  if (url.pathname === "" || url.pathname === "/") return `${trimmed}/v1/embeddings`;
  return `${trimmed}/embeddings`;
}

/** Parses Retry-After (seconds or an HTTP date) and OpenAI's retry-after-ms into milliseconds. */
export function retryAfterMs(headers: { get(name: string): string | null }, now = Date.now()): number | null {
  const ms = headers.get("retry-after-ms");
  if (ms && Number.isFinite(Number(ms))) return Math.max(0, Number(ms));
  const value = headers.get("retry-after");
  if (!value) return null;
  const seconds = Number(value);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const date = Date.parse(value);
  return Number.isFinite(date) ? Math.max(0, date - now) : null;
}

class RequestFailure extends Error {
  constructor(
    message: string,
    readonly retryable: boolean,
    readonly network = false,
    readonly waitMs: number | null = null,
  ) {
    super(message);
  }
}

function abortError(): Error {
  return new DOMException("The embedding was cancelled.", "AbortError");
}

function isAbort(error: unknown): boolean {
  return error instanceof Error && error.name === "AbortError";
}

export class RemoteEmbedder implements Embedder {
  readonly id: string;
  private readonly url: string;
  private readonly host: string;
  private readonly opts: RemoteEmbedderOptions;
  private readonly doFetch: FetchLike;
  private readonly queryPrefix: string;
  private readonly documentPrefix: string;
  private _dims = 0;
  private initializing: Promise<void> | null = null;

  constructor(options: RemoteEmbedderOptions) {
    if (!options.model?.trim()) throw new Error("No embedding model name was given for the embeddings server.");
    this.opts = options;
    this.url = embeddingsUrl(options.baseUrl);
    this.host = new URL(this.url).host;
    this.id = `${options.model.trim()}@${this.host}`;
    const profile = modelProfile(options.model);
    this.queryPrefix = options.queryPrefix ?? profile.queryPrefix ?? "";
    this.documentPrefix = options.documentPrefix ?? profile.documentPrefix ?? "";
    const globalFetch = globalThis.fetch?.bind(globalThis) as unknown as FetchLike | undefined;
    const chosen = options.fetch ?? globalFetch;
    if (!chosen) throw new Error("No fetch function is available to reach the embeddings server.");
    this.doFetch = chosen;
  }

  get dims(): number {
    return this._dims;
  }

  init(signal?: AbortSignal): Promise<void> {
    if (this._dims > 0) return Promise.resolve();
    if (!this.initializing) {
      this.initializing = this.request(["dimension probe"], signal)
        .then(([v]) => {
          this._dims = v.length;
        })
        .finally(() => {
          this.initializing = null;
        });
    }
    return this.initializing;
  }

  async embedDocuments(texts: string[], signal?: AbortSignal): Promise<Float32Array[]> {
    const prefixed = this.documentPrefix ? texts.map((t) => this.documentPrefix + t) : texts;
    return this.embedMany(prefixed, signal);
  }

  async embedQuery(text: string, signal?: AbortSignal): Promise<Float32Array> {
    const [v] = await this.embedMany([this.queryPrefix + text], signal);
    return v;
  }

  async dispose(): Promise<void> {
    // Stateless HTTP: nothing to release.
  }

  private async embedMany(texts: string[], signal?: AbortSignal): Promise<Float32Array[]> {
    if (signal?.aborted) throw abortError();
    if (texts.length === 0) return [];
    const size = Math.max(1, Math.floor(this.opts.batchSize ?? 64));
    const batches: number[] = [];
    for (let start = 0; start < texts.length; start += size) batches.push(start);
    const out = new Array<Float32Array>(texts.length);
    let next = 0;
    // An object, not a variable: TypeScript does not see assignments made inside the workers.
    const state: { failed: Error | null } = { failed: null };
    // Workers pull batches from a shared cursor so at most `concurrency` requests are in flight.
    const worker = async () => {
      while (next < batches.length && state.failed === null) {
        const start = batches[next++];
        try {
          const vectors = await this.request(texts.slice(start, start + size), signal);
          vectors.forEach((v, k) => (out[start + k] = v));
        } catch (error) {
          state.failed ??= error instanceof Error ? error : new Error(String(error));
        }
      }
    };
    const workers = Math.max(1, Math.min(Math.floor(this.opts.concurrency ?? 2), batches.length));
    await Promise.all(Array.from({ length: workers }, worker));
    if (state.failed) throw state.failed;
    return out;
  }

  /** One batch, with retries. */
  private async request(input: string[], signal?: AbortSignal): Promise<Float32Array[]> {
    const maxRetries = Math.max(0, this.opts.maxRetries ?? 5);
    const base = Math.max(0, this.opts.retryBaseMs ?? 500);
    let networkRetries = 0;
    for (let attempt = 0; ; attempt++) {
      if (signal?.aborted) throw abortError();
      try {
        return await this.attempt(input, signal);
      } catch (error) {
        if (isAbort(error) && signal?.aborted) throw error;
        if (!(error instanceof RequestFailure)) throw new Error(this.scrub(String(error)));
        const mayRetry = error.retryable && attempt < maxRetries && (!error.network || networkRetries++ < MAX_NETWORK_RETRIES);
        if (!mayRetry) throw new Error(this.scrub(error.message));
        const backoff = Math.min(MAX_BACKOFF_MS, base * 2 ** attempt * (0.75 + Math.random() * 0.5));
        await sleep(error.waitMs === null ? backoff : Math.min(error.waitMs, MAX_RETRY_AFTER_MS), signal);
      }
    }
  }

  private async attempt(input: string[], signal?: AbortSignal): Promise<Float32Array[]> {
    const headers: Record<string, string> = { "Content-Type": "application/json" };
    if (this.opts.apiKey) headers.Authorization = `Bearer ${this.opts.apiKey}`;
    const body: Record<string, unknown> = { model: this.opts.model, input, encoding_format: "float" };
    if (this.opts.dimensions) body.dimensions = this.opts.dimensions;
    const timeout = withTimeout(signal, this.opts.timeoutMs ?? 60_000);
    let response: FetchResponseLike;
    let text: string;
    try {
      response = await this.doFetch(this.url, { method: "POST", headers, body: JSON.stringify(body), signal: timeout.signal });
      text = await response.text();
    } catch (error) {
      if (signal?.aborted) throw abortError();
      if (timeout.timedOut()) {
        throw new RequestFailure(`The embeddings server at ${this.host} did not answer within ${Math.round((this.opts.timeoutMs ?? 60_000) / 1000)} s.`, true, true);
      }
      const reason = networkReason(error);
      throw new RequestFailure(`Could not reach the embeddings server at ${this.host}${reason ? ` (${reason})` : ""}.`, true, true);
    } finally {
      timeout.clear();
    }
    const status = response.status;
    if (status < 200 || status >= 300) throw this.httpFailure(status, text, response.headers);
    return this.parse(text, input.length);
  }

  private httpFailure(status: number, text: string, headers: FetchResponseLike["headers"]): RequestFailure {
    const detail = serverMessage(text);
    const suffix = detail ? `: ${detail}` : "";
    if (status === 401 || status === 403) {
      return new RequestFailure(`The embeddings server at ${this.host} rejected the API key (HTTP ${status})${suffix}.`, false);
    }
    if (status === 404) {
      return new RequestFailure(`The embeddings server at ${this.host} has no /embeddings endpoint or no model "${this.opts.model}" (HTTP 404)${suffix}.`, false);
    }
    if (status === 429) {
      return new RequestFailure(`The embeddings server at ${this.host} is rate-limiting requests (HTTP 429)${suffix}.`, true, false, retryAfterMs(headers));
    }
    if (status >= 500) {
      return new RequestFailure(`The embeddings server at ${this.host} failed (HTTP ${status})${suffix}.`, true, false, status === 503 ? retryAfterMs(headers) : null);
    }
    if (status === 408) return new RequestFailure(`The embeddings server at ${this.host} timed out (HTTP 408).`, true);
    return new RequestFailure(`The embeddings server at ${this.host} refused the request (HTTP ${status})${suffix}.`, false);
  }

  private parse(text: string, expected: number): Float32Array[] {
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      throw new RequestFailure(`The embeddings server at ${this.host} returned a response that is not JSON.`, false);
    }
    const data = (json as { data?: unknown })?.data;
    if (!Array.isArray(data)) {
      throw new RequestFailure(`The embeddings server at ${this.host} returned JSON without a "data" list of embeddings.`, false);
    }
    if (data.length !== expected) {
      throw new RequestFailure(`The embeddings server at ${this.host} returned ${data.length} vectors for ${expected} texts.`, false);
    }
    const rows = data.map((item: unknown, position) => {
      const { embedding, index } = (item ?? {}) as { embedding?: unknown; index?: unknown };
      return { vector: toVector(embedding), index: typeof index === "number" ? index : position };
    });
    // The spec lets servers answer out of order; `index` says which input each vector belongs to.
    rows.sort((a, b) => a.index - b.index);
    const width = this._dims || rows[0]?.vector?.length || 0;
    return rows.map((row, i) => {
      if (!row.vector || row.vector.length === 0) {
        throw new RequestFailure(`The embeddings server at ${this.host} returned an invalid embedding for text ${i + 1}.`, false);
      }
      if (row.vector.length !== width) {
        throw new RequestFailure(`The embeddings server at ${this.host} returned vectors of ${row.vector.length} dimensions where ${width} were expected.`, false);
      }
      return l2Normalize(row.vector);
    });
  }

  /** Removes the API key from anything a server or runtime echoed back. */
  private scrub(message: string): string {
    const key = this.opts.apiKey;
    return key && key.length >= 4 ? message.split(key).join("***") : message;
  }
}

function toVector(embedding: unknown): Float32Array | null {
  if (Array.isArray(embedding)) {
    if (!embedding.every((x) => typeof x === "number" && Number.isFinite(x))) return null;
    return Float32Array.from(embedding as number[]);
  }
  if (typeof embedding === "string") {
    // encoding_format "base64" answers (some servers ignore our "float"): little-endian float32.
    try {
      const bin = atob(embedding);
      const bytes = new Uint8Array(bin.length);
      for (let i = 0; i < bin.length; i++) bytes[i] = bin.charCodeAt(i);
      if (bytes.length % 4 !== 0) return null;
      return new Float32Array(bytes.buffer);
    } catch {
      return null;
    }
  }
  return null;
}

/** The server's own explanation, shortened to fit in one sentence. */
function serverMessage(text: string): string {
  let message = "";
  try {
    const json = JSON.parse(text) as { error?: unknown; message?: unknown; detail?: unknown };
    const err = json.error;
    if (typeof err === "string") message = err;
    else if (err && typeof (err as { message?: unknown }).message === "string") message = (err as { message: string }).message;
    else if (typeof json.message === "string") message = json.message;
    else if (typeof json.detail === "string") message = json.detail;
  } catch {
    message = /<html/i.test(text) ? "" : text;
  }
  message = message.replace(/\s+/g, " ").trim().replace(/[.\s]+$/, "");
  return message.length > 200 ? `${message.slice(0, 197)}...` : message;
}

function networkReason(error: unknown): string {
  const cause = (error as { cause?: { code?: string } })?.cause;
  const code = cause?.code ?? (error as { code?: string })?.code;
  if (code === "ECONNREFUSED") return "connection refused; is the server running?";
  if (code === "ENOTFOUND" || code === "EAI_AGAIN") return "host not found; offline?";
  if (code === "ECONNRESET") return "connection reset";
  // undici's codes for a socket that closed mid-response; its raw code means nothing to a user.
  if (code === "UND_ERR_SOCKET" || code === "UND_ERR_CLOSED") return "the connection dropped before the reply was complete";
  if (code) return code;
  return "";
}

function withTimeout(signal: AbortSignal | undefined, ms: number): { signal: AbortSignal; timedOut: () => boolean; clear: () => void } {
  const controller = new AbortController();
  let timedOut = false;
  const onAbort = () => controller.abort();
  signal?.addEventListener("abort", onAbort, { once: true });
  const timer = setTimeout(() => {
    timedOut = true;
    controller.abort();
  }, ms);
  return {
    signal: controller.signal,
    timedOut: () => timedOut,
    clear: () => {
      clearTimeout(timer);
      signal?.removeEventListener("abort", onAbort);
    },
  };
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(abortError());
    const timer = setTimeout(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(abortError());
    };
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}
