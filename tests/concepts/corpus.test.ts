// The "done" check on real documents: for every paper and the transcript of ../shared/corpus,
// offline and through the loopback server, every note has a citation, every wiki-link resolves,
// every page citation names a page the PDF has, and a second run changes no file. Skipped on a fresh
// clone, which has no ../shared.
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadNodePdfJs } from "../../src/cli/pdfjs-node";
import { OpenAiLlmClient } from "../../src/core/answer/llm-client";
import { backgroundFromChunks, generateConceptNotes } from "../../src/core/concepts";
import { ingestFile } from "../../src/core/ingest/ingest-file";
import type { IngestedDocument } from "../../src/core/types";
import { replies, startFakeOpenAiServer, type FakeOpenAiServer } from "../helpers/fake-openai-server";
import { citedPages, danglingLinks, FIXED_NOW, MemoryVault, shownPassages } from "./helpers";

const CORPUS = join(__dirname, "../../../shared/corpus");
const present = existsSync(CORPUS);

/** A model that writes three concepts from the first passages it is shown, with one bad id thrown in. */
function passageReply(messages: Array<{ role: string; content: string }>): string {
  const shown = shownPassages(messages);
  const claim = (i: number) => ({ text: shown[i % shown.length].text.replace(/\[[\d:]+\]/g, "").slice(0, 160).trim() + ".", cites: [shown[i % shown.length].id] });
  return JSON.stringify({
    concepts: ["Main idea", "Method", "Results"].map((title, c) => ({
      title,
      aliases: [],
      summary: claim(c * 3),
      sections: [{ heading: "Details", claims: [claim(c * 3 + 1), claim(c * 3 + 2), { text: "Unsupported.", cites: ["P9999"] }] }],
      related: ["Main idea", "Method", "Results"].filter((t) => t !== title),
    })),
  });
}

describe.skipIf(!present)("concept notes on the development corpus", () => {
  const docs: Array<{ doc: IngestedDocument; raw: string }> = [];
  let server: FakeOpenAiServer;

  beforeAll(async () => {
    server = await startFakeOpenAiServer({ respond: (req) => replies.text(passageReply(req.body.messages)) });
    for (const f of readdirSync(join(CORPUS, "papers"))) {
      const bytes = new Uint8Array(readFileSync(join(CORPUS, "papers", f)));
      docs.push({ doc: await ingestFile(`papers/${f}`, bytes, { pdfjs: loadNodePdfJs }), raw: "(pdf)" });
    }
    for (const f of readdirSync(join(CORPUS, "transcripts"))) {
      const text = readFileSync(join(CORPUS, "transcripts", f), "utf8");
      docs.push({ doc: await ingestFile(`transcripts/${f}`, new TextEncoder().encode(text)), raw: text });
    }
  }, 120_000);
  afterAll(async () => server?.close());

  for (const mode of ["offline", "loopback"] as const) {
    it(`${mode}: cited notes, resolving links, real pages, and an idempotent second run`, async () => {
      const all = docs.flatMap((d) => d.doc.chunks);
      for (const { doc, raw } of docs) {
        const vault = new MemoryVault({ [doc.path]: raw });
        const run = () =>
          generateConceptNotes({
            source: doc,
            llm: mode === "loopback" ? new OpenAiLlmClient({ baseURL: server.baseURL, model: "fake-model", maxRetries: 0 }) : undefined,
            vault,
            existingNotes: [],
            outFolder: "Concepts",
            now: FIXED_NOW,
            background: backgroundFromChunks(all, { sourcePath: doc.path, outFolder: "Concepts" }),
          });
        const first = await run();
        expect(first.notes.length, doc.path).toBeGreaterThan(0);
        for (const n of first.notes) {
          const text = vault.files.get(n.path)!;
          expect(danglingLinks(text, vault.files.keys()), n.path).toEqual([]);
          if (doc.kind === "pdf") {
            const pages = citedPages(text);
            expect(pages.length, n.path).toBeGreaterThan(0);
            expect(pages.every((p) => p >= 1 && p <= doc.pageCount!), n.path).toBe(true);
          } else {
            expect(text, n.path).toMatch(/\|\d\d:\d\d:\d\d\]\]/);
          }
        }
        const before = vault.snapshot();
        const second = await run();
        expect(second.notes.map((n) => n.action)).toEqual(first.notes.map(() => "skipped"));
        expect(vault.snapshot()).toEqual(before);
      }
    }, 120_000);
  }
});
