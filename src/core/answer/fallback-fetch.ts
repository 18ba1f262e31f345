// Inside Obsidian, window.fetch obeys CORS: a local Ollama or LM Studio that does not send
// Access-Control-Allow-Origin for app://obsidian.md makes every fetch fail with an opaque TypeError.
// Obsidian's requestUrl is not subject to CORS but cannot stream. This module combines the two into one
// fetch-compatible function for the `openai` SDK: stream with fetch where the server allows it, else
// fetch the whole response with the plain request function (the SSE body then arrives at once and is
// parsed the same way). The core stays free of Obsidian: the plugin passes requestUrl in.

export interface PlainHttpRequest {
  url: string;
  method: string;
  /** Header names as the SDK set them. */
  headers: Record<string, string>;
  body?: string;
}

export interface PlainHttpResponse {
  status: number;
  headers: Record<string, string>;
  /** The whole body as text. */
  text: string;
}

/** A request function that does not stream and must not throw on HTTP error statuses (the plugin calls
 *  `requestUrl({ url, method, headers, body, throw: false })` and returns status, headers and text). */
export type PlainRequestFn = (req: PlainHttpRequest) => Promise<PlainHttpResponse>;

export interface FallbackFetchOptions {
  /** The streaming fetch to try first; null to always use `request`. Default: globalThis.fetch. */
  fetch?: typeof fetch | null;
  /** Called once per origin when streaming fetch was blocked and the fallback worked. */
  onFallback?: (origin: string) => void;
}

export function createFallbackFetch(request: PlainRequestFn, options: FallbackFetchOptions = {}): typeof fetch {
  const streamingFetch = options.fetch === undefined ? globalThis.fetch?.bind(globalThis) : options.fetch;
  // Origins where streaming fetch failed but the plain request worked: skip the doomed fetch next time.
  const blocked = new Set<string>();

  const fallbackFetch = async (input: RequestInfo | URL, init?: RequestInit): Promise<Response> => {
    const url = typeof input === "string" ? input : input instanceof URL ? input.href : input.url;
    const origin = originOf(url);
    if (streamingFetch && !blocked.has(origin)) {
      try {
        return await streamingFetch(input, init);
      } catch (err) {
        if (isAbort(err) || init?.signal?.aborted) throw err;
        // A CORS refusal and a dead server look the same to fetch; the plain request tells them apart.
      }
    }
    const response = await plainFetch(request, url, init);
    if (!blocked.has(origin)) {
      blocked.add(origin);
      if (streamingFetch) options.onFallback?.(origin);
    }
    return response;
  };
  return fallbackFetch;
}

async function plainFetch(request: PlainRequestFn, url: string, init: RequestInit | undefined): Promise<Response> {
  const signal = init?.signal ?? undefined;
  if (signal?.aborted) throw abortError();
  const headers: Record<string, string> = {};
  new Headers(init?.headers).forEach((value, key) => (headers[key] = value));
  const req: PlainHttpRequest = { url, method: init?.method ?? "GET", headers, body: bodyText(init?.body) };

  let onAbort: (() => void) | undefined;
  const aborted = new Promise<never>((_, reject) => {
    onAbort = () => reject(abortError());
    signal?.addEventListener("abort", onAbort, { once: true });
  });
  try {
    // requestUrl cannot be cancelled; racing it lets the caller move on (its result is discarded).
    const res = await Promise.race([
      request(req).catch((err: unknown) => {
        // The SDK treats a thrown TypeError as "could not connect", exactly what a failed request means.
        throw new TypeError(`request to ${originOf(url)} failed: ${err instanceof Error ? err.message : String(err)}`);
      }),
      aborted,
    ]);
    const nullBody = res.status === 204 || res.status === 304 || req.method === "HEAD";
    return new Response(nullBody ? null : res.text, { status: res.status, headers: res.headers });
  } finally {
    if (onAbort) signal?.removeEventListener("abort", onAbort);
  }
}

function bodyText(body: BodyInit | null | undefined): string | undefined {
  if (body === undefined || body === null) return undefined;
  if (typeof body === "string") return body;
  if (body instanceof Uint8Array) return new TextDecoder().decode(body);
  if (body instanceof ArrayBuffer) return new TextDecoder().decode(new Uint8Array(body));
  if (body instanceof URLSearchParams) return body.toString();
  throw new TypeError("this request body cannot be sent without fetch");
}

function originOf(url: string): string {
  try {
    return new URL(url).origin;
  } catch {
    return url;
  }
}

function isAbort(err: unknown): boolean {
  return err instanceof Error && err.name === "AbortError";
}

function abortError(): Error {
  const e = new Error("The request was aborted.");
  e.name = "AbortError";
  return e;
}
