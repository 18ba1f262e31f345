// Turns whatever the `openai` SDK, fetch or the network throws into one LlmError sentence a user can act
// on, and decides whether the failure is worth a retry. The API key never leaves this module in a
// message: servers echo (masked) keys in their 401 bodies, so every detail passes through `scrubSecrets`.
import { APIError, APIConnectionError, APIConnectionTimeoutError, APIUserAbortError } from "openai";
import { LlmError, type LlmErrorKind } from "./llm";

export interface FailureContext {
  /** Where the server lives, already stripped of credentials (see `displayUrl`). */
  server: string;
  model: string;
  apiKey?: string;
  timeoutMs: number;
  /** Our own no-progress timer fired. */
  timedOut: boolean;
  /** The caller's AbortSignal fired. */
  aborted: boolean;
}

export interface ClassifiedFailure {
  error: LlmError;
  /** Worth another attempt if nothing has been streamed yet. */
  retryable: boolean;
  /** Wait the server asked for (Retry-After), in ms. */
  retryAfterMs?: number;
}

/** Raised by the client itself when a stream ends without a finish_reason. */
export class StreamCutOff extends Error {
  constructor(readonly receivedChunks: number) {
    super("stream ended without finish_reason");
    this.name = "StreamCutOff";
  }
}

export function classifyFailure(err: unknown, ctx: FailureContext): ClassifiedFailure {
  const fail = (kind: LlmErrorKind, sentence: string, retryable = false, retryAfterMs?: number): ClassifiedFailure => ({
    error: new LlmError(kind, scrubSecrets(sentence, ctx.apiKey)),
    retryable,
    retryAfterMs,
  });
  const secs = Math.max(1, Math.round(ctx.timeoutMs / 1000));
  const seconds = `${secs} second${secs === 1 ? "" : "s"}`;

  if (err instanceof LlmError) return { error: new LlmError(err.kind, scrubSecrets(err.message, ctx.apiKey)), retryable: false };
  // Order matters: our flags explain an abort better than the SDK's generic abort error does.
  if (ctx.aborted) return fail("aborted", "The request to the language model was cancelled.");
  if (ctx.timedOut || err instanceof APIConnectionTimeoutError) {
    return fail("timeout", `The language model at ${ctx.server} did not respond within ${seconds}; it may be overloaded or still loading the model.`);
  }
  if (err instanceof APIUserAbortError) return fail("aborted", "The request to the language model was cancelled.");
  if (err instanceof APIConnectionError) {
    return fail("unreachable", `Could not reach the language model server at ${ctx.server}; check that it is running and that the base URL is right.`, true);
  }
  if (err instanceof APIError) return classifyStatus(err as StatusError, ctx, fail);
  if (err instanceof StreamCutOff) {
    if (err.receivedChunks === 0) {
      return fail("bad-response", `The server at ${ctx.server} did not answer like an OpenAI-compatible chat-completions endpoint; check the base URL (it usually ends in /v1).`);
    }
    return fail("bad-response", `The language model server at ${ctx.server} cut the answer off before it was complete.`, true);
  }
  if (err instanceof SyntaxError) {
    return fail("bad-response", `The language model server at ${ctx.server} sent a malformed response that is not valid JSON.`);
  }
  // undici reports a connection that dies mid-body as TypeError("terminated"); browsers as TypeError too.
  if (err instanceof TypeError) {
    return fail("bad-response", `The connection to the language model server at ${ctx.server} broke off before the answer was complete.`, true);
  }
  const detail = err instanceof Error ? firstSentence(err.message) : String(err);
  return fail("bad-response", `The language model request failed: ${detail}`);
}

/** The parts of an SDK APIError this module reads. */
interface StatusError {
  status?: number;
  headers?: Headers;
  error?: unknown;
  code?: string | null;
}

function classifyStatus(
  err: StatusError,
  ctx: FailureContext,
  fail: (kind: LlmErrorKind, sentence: string, retryable?: boolean, retryAfterMs?: number) => ClassifiedFailure,
): ClassifiedFailure {
  const status = err.status ?? 0;
  const detail = serverDetail(err);
  const mentionsModel = err.code === "model_not_found" || /\bmodel\b/i.test(detail);
  if (status === 401 || status === 403) {
    return fail("unauthorized", `The language model server at ${ctx.server} rejected the API key (HTTP ${status}); check the key in the settings.`);
  }
  if ((status === 404 || status === 400) && mentionsModel && /not (be )?found|does not exist|unknown|no such|not available|invalid model/i.test(detail)) {
    return fail("unknown-model", `The server at ${ctx.server} has no model named "${ctx.model}"; check the model name (Ollama needs "ollama pull", LM Studio needs the model loaded).`);
  }
  if (status === 404) {
    return fail("unreachable", `The server at ${ctx.server} has no chat-completions endpoint (HTTP 404); check the base URL (it usually ends in /v1).`);
  }
  if (status === 429) {
    const wait = retryAfterMs(err.headers);
    const secs = wait !== undefined ? Math.max(1, Math.ceil(wait / 1000)) : 0;
    const when = wait !== undefined ? ` try again in ${secs} second${secs === 1 ? "" : "s"}` : " try again later";
    return fail("rate-limited", `The language model server at ${ctx.server} is rate-limiting requests (HTTP 429);${when}.`, true, wait);
  }
  if (status === 408) {
    return fail("timeout", `The language model at ${ctx.server} timed out (HTTP 408).`, true, retryAfterMs(err.headers));
  }
  if (status >= 500 || status === 409) {
    const suffix = detail ? `: ${detail}` : ".";
    return fail("server-error", `The language model server at ${ctx.server} failed with HTTP ${status}${suffix}`, true, retryAfterMs(err.headers));
  }
  if (/context|too (many|long)|maximum.*tokens|token limit/i.test(detail)) {
    return fail("server-error", `The question and passages are too long for the model's context window; ask with fewer passages (lower k) or use a model with a longer context.`);
  }
  if (status === 0) {
    // An error object inside a 200 stream (the SDK raises it without a status).
    const suffix = detail ? `: ${detail}` : ".";
    return fail("server-error", `The language model server at ${ctx.server} reported an error mid-answer${suffix}`);
  }
  const suffix = detail ? `: ${detail}` : ".";
  return fail("server-error", `The language model server at ${ctx.server} refused the request (HTTP ${status})${suffix}`);
}

/** The server's own explanation, cut to one short sentence. */
function serverDetail(err: StatusError): string {
  const body = err.error as { message?: unknown } | undefined;
  const raw = typeof body?.message === "string" ? body.message : typeof err.error === "string" ? err.error : "";
  return firstSentence(raw);
}

function firstSentence(text: string): string {
  const flat = text.replace(/\s+/g, " ").trim();
  const m = /^(.{1,200}?[.!?])(\s|$)/.exec(flat);
  const s = m ? m[1] : flat.slice(0, 200);
  return s && !/[.!?]$/.test(s) ? `${s}.` : s;
}

/** Retry-After (seconds or an HTTP date) or the non-standard retry-after-ms, in ms. */
export function retryAfterMs(headers: Headers | undefined): number | undefined {
  if (!headers) return undefined;
  const ms = headers.get("retry-after-ms");
  if (ms !== null && Number.isFinite(parseFloat(ms))) return Math.max(0, parseFloat(ms));
  const ra = headers.get("retry-after");
  if (ra === null) return undefined;
  const secs = parseFloat(ra);
  if (Number.isFinite(secs)) return Math.max(0, secs * 1000);
  const date = Date.parse(ra);
  return Number.isFinite(date) ? Math.max(0, date - Date.now()) : undefined;
}

/** Removes the API key, bearer tokens and key-shaped strings (OpenAI echoes "sk-...abcd") from text. */
export function scrubSecrets(text: string, apiKey?: string): string {
  let out = text;
  if (apiKey && apiKey.length >= 4) out = out.split(apiKey).join("[key hidden]");
  out = out.replace(/\bBearer\s+\S+/gi, "Bearer [key hidden]");
  out = out.replace(/\b(sk|pk|rk|key|api)[-_][A-Za-z0-9_*.-]{4,}/g, "[key hidden]");
  // A masked echo of the key: its last four characters after a run of asterisks.
  out = out.replace(/\*{3,}[A-Za-z0-9_-]{0,8}/g, "[key hidden]");
  return out;
}

/** The server's address for messages: no credentials, no query string. */
export function displayUrl(baseURL: string): string {
  try {
    const u = new URL(baseURL);
    return `${u.protocol}//${u.host}${u.pathname.replace(/\/+$/, "")}`;
  } catch {
    return baseURL.replace(/\/\/[^@/]*@/, "//");
  }
}
