import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { OpenAiLlmClient } from "../../src/core/answer/llm-client";
import { LlmError } from "../../src/core/answer/llm";
import { startFakeOpenAiServer, replies, type FakeOpenAiServer } from "../helpers/fake-openai-server";

const KEY = "sk-test-SECRET1234567890abcdef";
let server: FakeOpenAiServer;

beforeEach(async () => {
  server = await startFakeOpenAiServer({ models: ["fake-model"] });
});
afterEach(async () => {
  await server.close();
});

function client(extra: Partial<ConstructorParameters<typeof OpenAiLlmClient>[0]> = {}) {
  return new OpenAiLlmClient({ baseURL: server.baseURL, model: "fake-model", apiKey: KEY, retryBaseDelayMs: 10, ...extra });
}

async function failure(p: Promise<unknown>): Promise<LlmError> {
  try {
    await p;
  } catch (err) {
    expect(err).toBeInstanceOf(LlmError);
    const e = err as LlmError;
    // One sentence for a person: no stack, no key, no line breaks.
    expect(e.message).not.toContain(KEY);
    expect(e.message).not.toContain("SECRET");
    expect(e.message).not.toMatch(/\n|\bat .*\.(js|ts):\d+/);
    return e;
  }
  throw new Error("expected the call to fail");
}

describe("OpenAiLlmClient against an OpenAI-compatible server", () => {
  it("streams tokens to the callback in order and resolves with the whole text", async () => {
    server.enqueue(replies.text(["Alex", "Net ", "trained ", "for ", "six ", "days."]));
    const tokens: string[] = [];
    const text = await client().complete([{ role: "user", content: "How long?" }], { onToken: (t) => tokens.push(t) });
    expect(tokens).toEqual(["Alex", "Net ", "trained ", "for ", "six ", "days."]);
    expect(text).toBe("AlexNet trained for six days.");
    const req = server.chatRequests()[0];
    expect(req.body.stream).toBe(true);
    expect(req.body.model).toBe("fake-model");
    expect(req.body.messages).toEqual([{ role: "user", content: "How long?" }]);
    expect(req.headers.authorization).toBe(`Bearer ${KEY}`);
  });

  it("works without streaming and without an API key (local servers)", async () => {
    server.enqueue(replies.text("Whole answer."));
    const tokens: string[] = [];
    const c = new OpenAiLlmClient({ baseURL: server.baseURL, model: "fake-model", stream: false });
    expect(await c.complete([{ role: "user", content: "q" }], { onToken: (t) => tokens.push(t) })).toBe("Whole answer.");
    expect(tokens).toEqual(["Whole answer."]);
    expect(server.chatRequests()[0].body.stream).toBeFalsy();
    expect(server.chatRequests()[0].headers.authorization).toMatch(/^Bearer \S+/);
  });

  it("sends temperature, max_tokens and response_format when asked", async () => {
    server.enqueue(replies.text('{"a":1}'));
    await client().complete([{ role: "user", content: "q" }], { temperature: 0, maxTokens: 50, json: true });
    const body = server.chatRequests()[0].body;
    expect(body.temperature).toBe(0);
    expect(body.max_tokens).toBe(50);
    expect(body.response_format).toEqual({ type: "json_object" });
  });

  it("retries without response_format when the server rejects it", async () => {
    server.enqueue(replies.error(400, "response_format is not supported by this server"), replies.text("{}"));
    expect(await client().complete([{ role: "user", content: "q" }], { json: true })).toBe("{}");
    expect(server.chatRequests()[1].body.response_format).toBeUndefined();
  });

  it("explains an unreachable server in one sentence", async () => {
    const url = server.baseURL;
    await server.close();
    const e = await failure(new OpenAiLlmClient({ baseURL: url, model: "fake-model", apiKey: KEY, maxRetries: 1, retryBaseDelayMs: 5 }).complete([{ role: "user", content: "q" }]));
    expect(e.kind).toBe("unreachable");
    expect(e.message).toMatch(/^Could not reach the language model server at http:\/\/127\.0\.0\.1:\d+\/v1; check/);
    server = await startFakeOpenAiServer();
  });

  it("explains a rejected key without echoing it", async () => {
    await server.close();
    server = await startFakeOpenAiServer({ apiKey: "the-right-key" });
    const e = await failure(client().complete([{ role: "user", content: "q" }]));
    expect(e.kind).toBe("unauthorized");
    expect(e.message).toMatch(/rejected the API key/);
    expect(server.chatRequests()).toHaveLength(1); // a wrong key is not retried
  });

  it("explains an unknown model", async () => {
    const e = await failure(client({ model: "llama-9000" }).complete([{ role: "user", content: "q" }]));
    expect(e.kind).toBe("unknown-model");
    expect(e.message).toContain('"llama-9000"');
  });

  it("explains a base URL without a chat-completions endpoint", async () => {
    const e = await failure(new OpenAiLlmClient({ baseURL: server.url, model: "fake-model" }).complete([{ role: "user", content: "q" }]));
    expect(e.kind).toBe("unreachable");
    expect(e.message).toMatch(/usually ends in \/v1/);
  });

  it("honours Retry-After on 429 and then succeeds", async () => {
    server.enqueue(replies.rateLimited(1), replies.text("after the wait"));
    const started = Date.now();
    expect(await client().complete([{ role: "user", content: "q" }])).toBe("after the wait");
    expect(Date.now() - started).toBeGreaterThanOrEqual(950);
    expect(server.chatRequests()).toHaveLength(2);
  });

  it("reports a 429 whose Retry-After is too long instead of waiting", async () => {
    server.enqueue(replies.rateLimited(3600));
    const e = await failure(client().complete([{ role: "user", content: "q" }]));
    expect(e.kind).toBe("rate-limited");
    expect(e.message).toMatch(/try again in 3600 seconds/);
    expect(server.chatRequests()).toHaveLength(1);
  });

  it("retries 5xx a bounded number of times, then explains", async () => {
    server.setResponder(() => replies.error(503, "The engine is currently overloaded."));
    const e = await failure(client({ maxRetries: 2 }).complete([{ role: "user", content: "q" }]));
    expect(e.kind).toBe("server-error");
    expect(e.message).toBe(`The language model server at ${server.baseURL} failed with HTTP 503: The engine is currently overloaded.`);
    expect(server.chatRequests()).toHaveLength(3);
  });

  it("recovers from one 500", async () => {
    server.enqueue(replies.error(500), replies.text("fine now"));
    expect(await client().complete([{ role: "user", content: "q" }])).toBe("fine now");
  });

  it("reports a stream cut off after tokens, without retrying (the user already saw them)", async () => {
    server.enqueue(replies.truncated(["Half ", "an "], "end"));
    const tokens: string[] = [];
    const e = await failure(client().complete([{ role: "user", content: "q" }], { onToken: (t) => tokens.push(t) }));
    expect(e.kind).toBe("bad-response");
    expect(e.message).toMatch(/cut the answer off/);
    expect(tokens).toEqual(["Half ", "an "]);
    expect(server.chatRequests()).toHaveLength(1);
  });

  it("reports a connection that dies mid-stream", async () => {
    server.enqueue(replies.truncated(["Half "], "destroy"));
    const e = await failure(client().complete([{ role: "user", content: "q" }]));
    expect(e.kind).toBe("bad-response");
    expect(server.chatRequests()).toHaveLength(1);
  });

  it("retries a stream that was cut off before any token arrived", async () => {
    server.enqueue(replies.truncated([], "destroy"), replies.text("second try"));
    expect(await client().complete([{ role: "user", content: "q" }])).toBe("second try");
  });

  it("reports malformed JSON chunks", async () => {
    server.enqueue(replies.malformed(["Good "]));
    const e = await failure(client().complete([{ role: "user", content: "q" }]));
    expect(e.kind).toBe("bad-response");
    expect(e.message).toMatch(/malformed/);
  });

  it("accepts a slow drip as long as chunks keep coming", async () => {
    server.enqueue(replies.drip(["a", "b", "c", "d"], 120));
    expect(await client({ timeoutMs: 400 }).complete([{ role: "user", content: "q" }])).toBe("abcd");
  });

  it("times out a server that never answers", async () => {
    server.enqueue(replies.hang());
    const e = await failure(client({ timeoutMs: 300 }).complete([{ role: "user", content: "q" }]));
    expect(e.kind).toBe("timeout");
    expect(e.message).toMatch(/did not respond within 0 seconds|did not respond within/);
    expect(server.chatRequests()).toHaveLength(1);
  });

  it("times out a stream that stalls after some tokens", async () => {
    server.enqueue(replies.stall(["one ", "two "]));
    const e = await failure(client({ timeoutMs: 300 }).complete([{ role: "user", content: "q" }]));
    expect(e.kind).toBe("timeout");
  });

  it("stops mid-stream when aborted and says it was cancelled", async () => {
    server.enqueue(replies.drip(["a ", "b ", "c ", "d ", "e ", "f "], 80));
    const controller = new AbortController();
    const tokens: string[] = [];
    const p = client().complete([{ role: "user", content: "q" }], {
      signal: controller.signal,
      onToken: (t) => {
        tokens.push(t);
        if (tokens.length === 2) controller.abort();
      },
    });
    const e = await failure(p);
    expect(e.kind).toBe("aborted");
    expect(tokens).toEqual(["a ", "b "]);
  });

  it("does not start when the signal is already aborted", async () => {
    const controller = new AbortController();
    controller.abort();
    const e = await failure(client().complete([{ role: "user", content: "q" }], { signal: controller.signal }));
    expect(e.kind).toBe("aborted");
    expect(server.chatRequests()).toHaveLength(0);
  });

  it("rejects an invalid base URL with a sentence", () => {
    expect(() => new OpenAiLlmClient({ baseURL: "localhost 11434", model: "m" })).toThrow(/not a valid server URL/);
  });
});
