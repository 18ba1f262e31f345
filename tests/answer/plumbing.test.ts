import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createFallbackFetch, type PlainHttpRequest } from "../../src/core/answer/fallback-fetch";
import { OpenAiLlmClient } from "../../src/core/answer/llm-client";
import { createThinkFilter } from "../../src/core/answer/thinking";
import { parseEvidence } from "../../src/core/answer/deep-answer";
import { isFollowUp, rewriteHeuristically } from "../../src/core/answer/follow-up";
import { scrubSecrets } from "../../src/core/answer/llm-errors";
import { startFakeOpenAiServer, replies, type FakeOpenAiServer } from "../helpers/fake-openai-server";

let server: FakeOpenAiServer;
beforeEach(async () => {
  server = await startFakeOpenAiServer();
});
afterEach(async () => {
  await server.close();
});

/** What the plugin passes: Obsidian's requestUrl, here a plain Node fetch that buffers the body. */
const bufferedRequest = (seen: PlainHttpRequest[]) => async (req: PlainHttpRequest) => {
  seen.push(req);
  const res = await globalThis.fetch(req.url, { method: req.method, headers: req.headers, body: req.body });
  const headers: Record<string, string> = {};
  res.headers.forEach((v, k) => (headers[k] = v));
  return { status: res.status, headers, text: await res.text() };
};

describe("fetch that falls back to a non-streaming request (CORS inside Obsidian)", () => {
  it("falls back when streaming fetch is blocked, and remembers it for that server", async () => {
    const seen: PlainHttpRequest[] = [];
    let fetchTries = 0;
    const blockedFetch = (() => {
      fetchTries++;
      return Promise.reject(new TypeError("Failed to fetch"));
    }) as typeof fetch;
    const fallbacks: string[] = [];
    const f = createFallbackFetch(bufferedRequest(seen), { fetch: blockedFetch, onFallback: (o) => fallbacks.push(o) });
    const llm = new OpenAiLlmClient({ baseURL: server.baseURL, model: "fake-model", fetch: f });
    server.enqueue(replies.text(["Hello ", "there [S1]."]), replies.text("Again."));
    const tokens: string[] = [];
    expect(await llm.complete([{ role: "user", content: "hi" }], { onToken: (t) => tokens.push(t) })).toBe("Hello there [S1].");
    expect(tokens).toEqual(["Hello ", "there [S1]."]);
    expect(await llm.complete([{ role: "user", content: "again" }])).toBe("Again.");
    expect(fetchTries).toBe(1);
    expect(fallbacks).toEqual([server.url]);
    expect(seen[0]).toMatchObject({ url: `${server.baseURL}/chat/completions`, method: "POST" });
    expect(JSON.parse(seen[0].body!)).toMatchObject({ model: "fake-model", stream: true });
  });

  it("streams with fetch when the server allows it", async () => {
    const seen: PlainHttpRequest[] = [];
    const llm = new OpenAiLlmClient({ baseURL: server.baseURL, model: "fake-model", fetch: createFallbackFetch(bufferedRequest(seen)) });
    server.enqueue(replies.text("streamed"));
    expect(await llm.complete([{ role: "user", content: "hi" }])).toBe("streamed");
    expect(seen).toHaveLength(0);
  });

  it("reports HTTP errors that arrive through the fallback like any others", async () => {
    const f = createFallbackFetch(bufferedRequest([]), { fetch: null });
    const llm = new OpenAiLlmClient({ baseURL: server.baseURL, model: "nope", fetch: f });
    await expect(llm.complete([{ role: "user", content: "hi" }])).rejects.toMatchObject({ kind: "unknown-model" });
  });

  it("reports an unreachable server when the fallback cannot connect either", async () => {
    const url = server.baseURL;
    await server.close();
    const f = createFallbackFetch(() => Promise.reject(new Error("net::ERR_CONNECTION_REFUSED")), { fetch: null });
    const llm = new OpenAiLlmClient({ baseURL: url, model: "fake-model", fetch: f, maxRetries: 0 });
    await expect(llm.complete([{ role: "user", content: "hi" }])).rejects.toMatchObject({ kind: "unreachable" });
    server = await startFakeOpenAiServer();
  });
});

describe("small pieces", () => {
  it("think filter withholds reasoning even when tags are split", () => {
    const out: string[] = [];
    const f = createThinkFilter((t) => out.push(t));
    for (const p of ["A", "<th", "ink>secret", "</thi", "nk>B <", "b>C"]) f(p);
    expect(out.join("")).toBe("AB <b>C");
  });

  it("evidence replies are validated", () => {
    expect(parseEvidence('```json\n{"relevance": "8", "summary": "x"}\n```')).toEqual({ relevance: 8, summary: "x" });
    expect(parseEvidence('{"relevance": 42}')).toEqual({ relevance: 10, summary: "" });
    expect(parseEvidence('{"summary": "no score"}')).toBeNull();
    expect(parseEvidence("I think it is relevant")).toBeNull();
  });

  it("follow-ups are recognised and carry the earlier subject", () => {
    expect(isFollowUp("What about its learning rate?")).toBe(true);
    expect(isFollowUp("What learning rate did ResNet use on CIFAR-10?")).toBe(false);
    expect(rewriteHeuristically("And the batch size?", [{ question: "Which learning rate did ResNet-110 use?", answer: "0.1." }])).toBe("And the batch size? resnet-110 learning rate");
    expect(rewriteHeuristically("What learning rate did ResNet use on CIFAR-10?", [{ question: "x y z", answer: "" }])).toBe("What learning rate did ResNet use on CIFAR-10?");
  });

  it("scrubs keys, bearer tokens and masked echoes", () => {
    const key = "sk-proj-abcdef123456";
    expect(scrubSecrets(`Incorrect API key provided: ${key}`, key)).toBe("Incorrect API key provided: [key hidden]");
    expect(scrubSecrets("Authorization: Bearer abc.def")).toBe("Authorization: Bearer [key hidden]");
    expect(scrubSecrets("key sk-pr********3456 is wrong")).not.toContain("3456");
  });
});
