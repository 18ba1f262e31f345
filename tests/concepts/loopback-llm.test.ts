// End to end with real parts: a generated PDF through pdf.js ingestion, the OpenAI client, and the
// loopback OpenAI-compatible server answering from the passages it is sent.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadNodePdfJs } from "../../src/cli/pdfjs-node";
import { OpenAiLlmClient } from "../../src/core/answer/llm-client";
import { generateConceptNotes, type ExistingNote } from "../../src/core/concepts";
import { ConceptError } from "../../src/core/concepts/types";
import { ingestFile } from "../../src/core/ingest/ingest-file";
import type { IngestedDocument } from "../../src/core/types";
import { replies, startFakeOpenAiServer, type FakeOpenAiServer } from "../helpers/fake-openai-server";
import { makePaperPdf } from "../fixtures/pdf-fixtures";
import { citedPages, conceptReply, danglingLinks, FIXED_NOW, MemoryVault } from "./helpers";

const PDF = "Papers/pocketnet.pdf";
const POCKETNET = [
  {
    title: "PocketNet",
    aliases: ["Pocket Net"],
    claims: [
      { text: "PocketNet is a small convolutional network for image classification trained on one laptop.", cue: "which we call PocketNet" },
      { text: "It stacks four convolutional stages with batch normalization.", cue: "stacks four convolutional stages" },
      { text: "It reaches 91.4 percent top-1 accuracy.", cue: "91.4 percent" },
    ],
    related: ["Mixed precision arithmetic"],
  },
  {
    title: "Mixed precision arithmetic",
    aliases: ["mixed precision"],
    claims: [
      { text: "Mixed precision halved the memory needed for activations.", cue: "Mixed precision arithmetic halved" },
      { text: "It is one of the decisive ingredients for training PocketNet on a laptop.", cue: "decisive ingredients" },
    ],
    related: ["PocketNet"],
  },
];

let server: FakeOpenAiServer;
let paper: IngestedDocument;
let pdfBytes: Uint8Array;

beforeAll(async () => {
  server = await startFakeOpenAiServer();
  pdfBytes = (await makePaperPdf()).bytes;
  paper = await ingestFile(PDF, pdfBytes, { pdfjs: loadNodePdfJs });
});
afterAll(async () => server.close());

function llm() {
  return new OpenAiLlmClient({ baseURL: server.baseURL, model: "fake-model", maxRetries: 0, timeoutMs: 10_000 });
}

function vaultWithPaper(extra: Record<string, string> = {}) {
  return new MemoryVault({ [PDF]: "(pdf bytes)", ...extra });
}

async function run(vault: MemoryVault, existingNotes: ExistingNote[] = []) {
  return generateConceptNotes({ source: paper, llm: llm(), vault, existingNotes, outFolder: "Concepts/PocketNet", now: FIXED_NOW });
}

describe("concept notes through the loopback OpenAI server", () => {
  it("writes cited notes from a generated PDF whose links all resolve and whose pages all exist", async () => {
    server.setResponder((req) => replies.text(conceptReply(POCKETNET)(req.body.messages)));
    const vault = vaultWithPaper({ "Notes/Batch normalization.md": "# BN\n" });
    const result = await run(vault, [{ path: "Notes/Batch normalization.md", title: "Batch normalization", aliases: ["BN"] }]);

    expect(result.notes.map((n) => [n.path, n.action])).toEqual([
      ["Concepts/PocketNet/PocketNet.md", "created"],
      ["Concepts/PocketNet/Mixed precision arithmetic.md", "created"],
    ]);
    expect(server.chatRequests().at(-1)!.body.response_format).toEqual({ type: "json_object" });
    const paths = [...vault.files.keys()];
    for (const n of result.notes) {
      const text = vault.files.get(n.path)!;
      expect(danglingLinks(text, paths)).toEqual([]);
      const pages = citedPages(text);
      expect(pages.length).toBeGreaterThan(0);
      expect(pages.every((p) => p >= 1 && p <= paper.pageCount!)).toBe(true);
    }
    const note = vault.files.get("Concepts/PocketNet/PocketNet.md")!;
    expect(note).toContain("[[Notes/Batch normalization|batch normalization]]");
    // PocketNet's training stages are on page 2 or later of the generated paper, never on a made-up page.
    expect(note).toMatch(/four convolutional stages with \[\[Notes\/Batch normalization\|batch normalization\]\] \[\[Papers\/pocketnet\.pdf#page=\d+(&selection=[\d,]+)?\|p\. \d+\]\]\./);
  });

  it("changes no file on a second run with the same replies", async () => {
    server.setResponder((req) => replies.text(conceptReply(POCKETNET)(req.body.messages)));
    const vault = vaultWithPaper();
    await run(vault);
    const before = vault.snapshot();
    const second = await run(vault);
    expect(second.notes.every((n) => n.action === "skipped" && n.reason === "unchanged")).toBe(true);
    expect(vault.snapshot()).toEqual(before);
  });

  it("recovers from invalid JSON with one retry through the server", async () => {
    server.setResponder((req) => replies.text(conceptReply(POCKETNET)(req.body.messages)));
    const start = server.chatRequests().length;
    server.enqueue(replies.text("```json\n{\"concepts\": [ {\"title\": \"PocketNet\", \n```"));
    const vault = vaultWithPaper();
    const result = await run(vault);
    const sent = server.chatRequests().slice(start);
    expect(sent).toHaveLength(2);
    expect(sent[1].body.messages.at(-1)!.content).toMatch(/^That reply cannot be used: The reply is not valid JSON/);
    expect(result.notes.filter((n) => n.action === "created")).toHaveLength(2);
  });

  it("fails cleanly and writes nothing when both replies are invalid", async () => {
    server.setResponder(() => replies.text('{"concepts": "none"}'));
    const vault = vaultWithPaper();
    const before = vault.snapshot();
    const err = await run(vault).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ConceptError);
    expect((err as Error).message).toBe(
      'The model (fake-model) did not return usable concept JSON, even after a retry: The JSON must be an object with a "concepts" array.',
    );
    expect(vault.snapshot()).toEqual(before);
  });

  it("passes the server's refusal through as the client's one-sentence error, writing nothing", async () => {
    server.setResponder(() => replies.error(401));
    const vault = vaultWithPaper();
    await expect(run(vault)).rejects.toMatchObject({ name: "LlmError", kind: "unauthorized" });
    expect(vault.writes).toEqual([]);
  });
});
