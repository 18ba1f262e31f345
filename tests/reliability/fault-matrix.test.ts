// Every way an LLM or embeddings endpoint fails, through the real CLI: the user sees one clear sentence
// (no stack trace, no API key), retries happen where they help (counted at the server), `ask` and
// `concepts` write nothing to the vault, and the index folder stays byte-identical. Hangs are tested
// in-process with a short timeout, since the CLI's own timeouts are minutes long by design.
import { mkdtempSync, rmSync } from "node:fs";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { NodeIndexStorage } from "../../src/cli/node-index-storage";
import { NodeVault } from "../../src/cli/node-vault";
import { loadNodePdfJs } from "../../src/cli/pdfjs-node";
import { OpenAiLlmClient } from "../../src/core/answer/llm-client";
import { LlmError } from "../../src/core/answer/llm";
import { createEmbedder } from "../../src/core/embed/create-embedder";
import { RemoteEmbedder } from "../../src/core/embed/remote-embedder";
import { Engine } from "../../src/core/engine";
import { replies, startFakeOpenAiServer } from "../helpers/fake-openai-server";
import { buildCli, diffSnapshots, indexDirOf, runCli, snapshotDir, TMP_ROOT } from "./cli-harness";
import { API_KEY, EMBEDDING_CASES, LLM_CASES, QUESTION, runEmbeddingMatrix, runLlmMatrix, writeFaultVault, type FaultRow } from "./fault-matrix";
import { startFaultyEmbeddingsServer } from "./faulty-embeddings-server";

let cli: string;
let work: string;
let llmRows: FaultRow[];
let embeddingRows: FaultRow[];

beforeAll(async () => {
  cli = await buildCli("cli-faults.js");
  work = mkdtempSync(path.join(TMP_ROOT, "faults-"));
  [llmRows, embeddingRows] = await Promise.all([runLlmMatrix(cli, work), runEmbeddingMatrix(cli, work)]);
}, 120_000);

afterAll(() => {
  rmSync(work, { recursive: true, force: true });
});

/** One line, ending like a sentence, prefixed as the CLI prefixes every message. */
const ONE_SENTENCE = /^scholia: [^\n]+[.?!]$/;

describe("LLM endpoint faults, through `scholia ask` and `scholia concepts`", () => {
  for (const c of LLM_CASES) {
    for (const command of ["ask", "concepts"]) {
      it(`${c.fault} — ${command}: ${c.succeeds ? "succeeds" : "one clear sentence"}, ${c.requests} request(s), vault and index untouched`, () => {
        const row = llmRows.find((r) => r.fault === c.fault && r.command === command)!;
        expect(row.stackTrace).toBe(false);
        expect(row.leaked).toBe(false);
        expect(row.requests).toBe(c.requests);
        if (c.succeeds) {
          expect(row.exit, row.messages.join("\n")).toBe(0);
          if (command === "ask") {
            expect(JSON.parse(row.stdout)).toMatchObject({ mode: "llm", refused: false });
            expect(row.vaultChanges).toEqual([]);
            expect(row.indexChanges).toEqual([]);
          } else {
            // The intended concept note and nothing else; the command then indexes the note it wrote.
            expect(row.vaultChanges).toEqual(["added Concepts/Dropout.md"]);
          }
        } else {
          expect(row.indexChanges).toEqual([]);
          expect(row.exit).toBe(1);
          expect(row.stdout).toBe("");
          expect(row.messages).toHaveLength(1);
          expect(row.messages[0]).toMatch(ONE_SENTENCE);
          expect(row.messages[0]).toMatch(c.message!);
          expect(row.vaultChanges).toEqual([]);
        }
      });
    }
  }
});

describe("embeddings endpoint faults, on an index built while the endpoint was healthy", () => {
  for (const c of EMBEDDING_CASES) {
    it(`${c.fault}: search and ask fall back to keywords with one sentence; index refuses and leaves the index as it was`, () => {
      const rows = embeddingRows.filter((r) => r.fault === c.fault);
      expect(rows.map((r) => r.command)).toEqual(["search", "ask", "index (after an edit)"]);
      for (const row of rows) {
        expect(row.stackTrace).toBe(false);
        expect(row.leaked).toBe(false);
        expect(row.vaultChanges).toEqual([]);
        if (c.mode !== "refused") expect(row.requests, `${row.command}`).toBe(c.requests);
        if (!c.message) {
          expect(row.exit).toBe(0);
          continue;
        }
        expect(row.messages).toHaveLength(1);
        expect(row.messages[0]).toMatch(ONE_SENTENCE);
        expect(row.messages[0]).toMatch(c.message);
        expect(row.indexChanges).toEqual([]);
        if (row.command.startsWith("index")) {
          expect(row.exit).toBe(1);
          expect(row.messages[0]).toMatch(/The index was left unchanged\.$/);
        } else {
          expect(row.exit).toBe(0);
          expect(row.messages[0]).toMatch(/using keyword search only\.$/);
          const out = JSON.parse(row.stdout) as { passages?: { path: string }[]; answer?: string };
          if (row.command === "search") expect(out.passages?.[0]?.path).toBe("Notes/training.md");
          else expect(out.answer).toMatch(/six days/);
        }
      }
    });
  }
});

describe("endpoints that hang", () => {
  it("an LLM that never answers times out with one sentence, once (no retry of a dead server), and nothing is written", async () => {
    const server = await startFakeOpenAiServer({ respond: () => replies.hang() });
    const vault = mkdtempSync(path.join(work, "hang-"));
    try {
      writeFaultVault(vault);
      expect((await runCli(cli, ["index", vault, "--no-embeddings"])).code).toBe(0);
      const vaultBefore = snapshotDir(vault);
      const engine = await Engine.open({ storage: new NodeIndexStorage(indexDirOf(vault)), vault: new NodeVault(vault), pdfjs: loadNodePdfJs, startEmbedder: (c, s) => createEmbedder(c, { signal: s }) });
      const llm = new OpenAiLlmClient({ baseURL: server.baseURL, model: "fake-model", apiKey: API_KEY, timeoutMs: 400 });
      const started = Date.now();
      const error = await engine.ask(QUESTION, { llm }).then(() => null, (e: unknown) => e);
      await engine.close();
      expect(error).toBeInstanceOf(LlmError);
      expect((error as LlmError).kind).toBe("timeout");
      expect((error as LlmError).message).toMatch(/^The language model at http:\/\/127\.0\.0\.1:\d+\/v1 did not respond within 1 second; it may be overloaded or still loading the model\.$/);
      expect((error as LlmError).message).not.toContain(API_KEY);
      expect(Date.now() - started).toBeLessThan(5_000);
      expect(server.chatRequests()).toHaveLength(1);
      expect(diffSnapshots(vaultBefore, snapshotDir(vault))).toEqual([]);
    } finally {
      await server.close();
    }
  });

  it("an LLM that stalls mid-answer times out without repeating the text already shown", async () => {
    const server = await startFakeOpenAiServer({ respond: () => replies.stall(["The network ", "was trained"], 1) });
    try {
      const llm = new OpenAiLlmClient({ baseURL: server.baseURL, model: "fake-model", timeoutMs: 300 });
      const tokens: string[] = [];
      await expect(llm.complete([{ role: "user", content: "hi" }], { onToken: (t) => tokens.push(t) })).rejects.toMatchObject({ kind: "timeout" });
      expect(tokens).toEqual(["The network "]);
      expect(server.chatRequests()).toHaveLength(1);
    } finally {
      await server.close();
    }
  });

  it("an embeddings server that never answers fails the probe with one sentence after bounded retries", async () => {
    const server = await startFaultyEmbeddingsServer("hang");
    try {
      const embedder = new RemoteEmbedder({ baseUrl: server.baseURL, model: "fake-model", apiKey: API_KEY, timeoutMs: 300, retryBaseMs: 10 });
      const started = Date.now();
      const error = (await embedder.init().then(() => null, (e: unknown) => e)) as Error;
      expect(error.message).toMatch(/^The embeddings server at 127\.0\.0\.1:\d+ did not answer within 0 s\.$|^The embeddings server at 127\.0\.0\.1:\d+ did not answer within \d+ s\.$/);
      expect(error.message).not.toContain(API_KEY);
      // A silent server is retried twice at most, not for the full retry budget.
      expect(server.count).toBe(3);
      expect(Date.now() - started).toBeLessThan(5_000);
    } finally {
      await server.close();
    }
  });
});
