// LlmClient for any OpenAI-compatible chat-completions server (OpenAI, Ollama, LM Studio, llama.cpp
// server, vLLM) through the `openai` package. The SDK's own retries and timeout are switched off: this
// client retries itself so it can refuse to retry once tokens have reached the user, cap how long it
// honours Retry-After, and time out on *lack of progress* (local models may stream slowly for minutes,
// but a silent server for `timeoutMs` is dead).
import OpenAI from "openai";
import type { ChatCompletionCreateParams } from "openai/resources/chat/completions";
import { LlmError, type ChatMessage, type CompletionOptions, type LlmClient } from "./llm";
import { classifyFailure, displayUrl, StreamCutOff } from "./llm-errors";

export interface OpenAiLlmClientOptions {
  /** e.g. "https://api.openai.com/v1", "http://localhost:11434/v1" (Ollama), "http://localhost:1234/v1". */
  baseURL: string;
  model: string;
  /** Local servers need none; a placeholder is sent then because the SDK insists on one. */
  apiKey?: string;
  /** Fail when the server sends nothing for this long (before the first byte or between chunks). */
  timeoutMs?: number;
  /** Further attempts after a retryable failure (connection, 408/409/429/5xx, early cut-off). */
  maxRetries?: number;
  /** A Retry-After longer than this is not waited for: the call fails at once, saying when to retry. */
  maxRetryAfterMs?: number;
  /** First backoff delay when the server gives no Retry-After; doubles per attempt. */
  retryBaseDelayMs?: number;
  /** Replaces global fetch, e.g. `createFallbackFetch(requestUrlAdapter)` inside Obsidian. */
  fetch?: typeof fetch;
  /** Stream tokens (default). Off for servers or proxies that mangle SSE. */
  stream?: boolean;
  headers?: Record<string, string>;
}

export const DEFAULT_LLM_TIMEOUT_MS = 120_000;
export const DEFAULT_LLM_MAX_RETRIES = 2;
const PLACEHOLDER_KEY = "not-needed";

export class OpenAiLlmClient implements LlmClient {
  readonly model: string;
  private readonly client: OpenAI;
  private readonly apiKey: string | undefined;
  private readonly server: string;
  private readonly timeoutMs: number;
  private readonly maxRetries: number;
  private readonly maxRetryAfterMs: number;
  private readonly retryBaseDelayMs: number;
  private readonly stream: boolean;

  constructor(options: OpenAiLlmClientOptions) {
    if (!options.model.trim()) throw new LlmError("unknown-model", "No language model is set; choose a model name in the settings.");
    this.model = options.model.trim();
    this.apiKey = options.apiKey?.trim() || undefined;
    this.server = displayUrl(options.baseURL);
    this.timeoutMs = options.timeoutMs ?? DEFAULT_LLM_TIMEOUT_MS;
    this.maxRetries = Math.max(0, options.maxRetries ?? DEFAULT_LLM_MAX_RETRIES);
    this.maxRetryAfterMs = options.maxRetryAfterMs ?? 30_000;
    this.retryBaseDelayMs = options.retryBaseDelayMs ?? 500;
    this.stream = options.stream ?? true;
    let baseURL: string;
    try {
      baseURL = new URL(options.baseURL.trim()).href.replace(/\/+$/, "");
    } catch {
      throw new LlmError("unreachable", `"${options.baseURL}" is not a valid server URL; it should look like http://localhost:11434/v1.`);
    }
    this.client = new OpenAI({
      baseURL,
      apiKey: this.apiKey ?? PLACEHOLDER_KEY,
      fetch: options.fetch,
      maxRetries: 0,
      // Our own no-progress timer is authoritative; the SDK's whole-request timeout must never fire first.
      timeout: 24 * 3600 * 1000,
      // Obsidian is a browser as far as the SDK knows; the key is the user's own, on the user's machine.
      dangerouslyAllowBrowser: true,
      logLevel: "off",
      defaultHeaders: options.headers,
    });
  }

  async complete(messages: ChatMessage[], options: CompletionOptions = {}): Promise<string> {
    let jsonFormat = options.json ?? false;
    for (let attempt = 0; ; attempt++) {
      const progress = { streamed: false, timedOut: false };
      try {
        return await this.attempt(messages, options, jsonFormat, progress);
      } catch (err) {
        const failure = classifyFailure(err, {
          server: this.server,
          model: this.model,
          apiKey: this.apiKey,
          timeoutMs: this.timeoutMs,
          timedOut: progress.timedOut,
          aborted: options.signal?.aborted ?? false,
        });
        // Some servers (older llama.cpp, some proxies) reject response_format; JSON is also asked for in
        // the prompt, so drop the format and try once more.
        if (jsonFormat && !progress.streamed && isStatus(err, 400) && /response_format|json/i.test(String((err as Error).message))) {
          jsonFormat = false;
          attempt--;
          continue;
        }
        const wait = failure.retryAfterMs ?? this.retryBaseDelayMs * 2 ** attempt;
        // Once text reached the user a retry would repeat it; a long Retry-After is better reported.
        if (progress.streamed || !failure.retryable || attempt >= this.maxRetries || wait > this.maxRetryAfterMs) throw failure.error;
        await sleep(wait, options.signal).catch(() => {
          throw new LlmError("aborted", "The request to the language model was cancelled.");
        });
      }
    }
  }

  private async attempt(
    messages: ChatMessage[],
    options: CompletionOptions,
    jsonFormat: boolean,
    progress: { streamed: boolean; timedOut: boolean },
  ): Promise<string> {
    if (options.signal?.aborted) throw new LlmError("aborted", "The request to the language model was cancelled.");
    const controller = new AbortController();
    const onAbort = () => controller.abort();
    options.signal?.addEventListener("abort", onAbort, { once: true });
    let timer: ReturnType<typeof setTimeout> | undefined;
    const touch = () => {
      clearTimeout(timer);
      timer = setTimeout(() => {
        progress.timedOut = true;
        controller.abort();
      }, this.timeoutMs);
    };
    touch();

    const params: ChatCompletionCreateParams = {
      model: this.model,
      messages: messages.map((m) => ({ role: m.role, content: m.content })),
    };
    if (options.temperature !== undefined) params.temperature = options.temperature;
    // OpenAI deprecated max_tokens for max_completion_tokens, but llama.cpp, older Ollama and many
    // proxies only know max_tokens, and OpenAI still accepts it for chat models.
    if (options.maxTokens !== undefined) Object.assign(params, { max_tokens: options.maxTokens });
    if (jsonFormat) params.response_format = { type: "json_object" };
    const requestOptions = { signal: controller.signal, maxRetries: 0 };

    try {
      if (!this.stream) {
        const res = await this.client.chat.completions.create({ ...params, stream: false }, requestOptions);
        const text = res.choices?.[0]?.message?.content ?? "";
        if (!res.choices?.length) throw new StreamCutOff(0);
        if (text) options.onToken?.(text);
        return text;
      }
      const stream = await this.client.chat.completions.create({ ...params, stream: true }, requestOptions);
      touch();
      let text = "";
      let chunks = 0;
      let finished = false;
      for await (const chunk of stream) {
        touch();
        chunks++;
        const choice = chunk.choices?.[0];
        const piece = choice?.delta?.content;
        if (piece) {
          text += piece;
          progress.streamed = true;
          options.onToken?.(piece);
        }
        if (choice?.finish_reason) finished = true;
      }
      // The SDK ends iteration quietly when the request is aborted; the abort must not pass as an answer.
      if (controller.signal.aborted) throw new Error("aborted");
      // Every OpenAI-compatible server sends a finish_reason; without it the stream was cut off.
      if (!finished) throw new StreamCutOff(chunks);
      return text;
    } finally {
      clearTimeout(timer);
      options.signal?.removeEventListener("abort", onAbort);
    }
  }
}

function isStatus(err: unknown, status: number): boolean {
  return typeof err === "object" && err !== null && (err as { status?: unknown }).status === status;
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(new Error("aborted"));
    const t = setTimeout(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(t);
      reject(new Error("aborted"));
    };
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}
