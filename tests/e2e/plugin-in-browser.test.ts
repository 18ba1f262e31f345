// The built plugin (main.js) in headless Chromium, with obsidian-test-mocks as its `obsidian` module,
// a generated vault and a real OpenAI-compatible server on 127.0.0.1. A user types a question, sees
// the answer stream in with citations, opens one, inserts the answer into a note; the same page
// indexes a generated vault with embeddings from that server while main-thread long tasks are counted
// (local-embeddings.test.ts does the same with the local model in its Web Worker).
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { PDFDocument, StandardFonts } from "pdf-lib";
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { replies, startFakeOpenAiServer, type ChatRequest, type FakeOpenAiServer } from "../helpers/fake-openai-server";
import { conceptReply } from "../concepts/helpers";
import { ARTIFACTS, openScholiaPage, type ScholiaPage } from "./helpers/scholia-page";

/** What the model proposes when asked for concept notes on a week of the generated course. */
const WEEK_CONCEPTS = [
  { title: "Model size", claims: [{ text: "Attention heads interact with model size.", cue: "Paragraph 1 about" }, { text: "The notes weigh them against the compute budget.", cue: "Paragraph 2 about" }] },
  { title: "Worked examples", claims: [{ text: "Each paragraph ends with a worked example.", cue: "Paragraph 7 about" }] },
];

const API_KEY = "sk-e2e-secret-key";
const XSS = `<img src=x onerror="window.__scholiaXss = 1">`;

async function makePdf(): Promise<Uint8Array> {
  const doc = await PDFDocument.create();
  const font = await doc.embedFont(StandardFonts.TimesRoman);
  doc.setTitle("Attention is all you need");
  const pages = [
    ["Attention is all you need", "We propose the Transformer, a model architecture based on attention alone."],
    ["Model architecture", "The encoder maps an input sequence to a sequence of continuous representations."],
    ["Training", "We trained the base models for 100,000 steps.", "Training the big model took 3.5 days on eight P100 GPUs."],
    ["Results", "The Transformer achieves 28.4 BLEU on the English-to-German translation task."],
  ];
  for (const lines of pages) {
    const page = doc.addPage([595, 842]);
    lines.forEach((line, i) => page.drawText(line, { x: 60, y: 760 - i * 24, size: i === 0 ? 18 : 12, font }));
  }
  return doc.save();
}

function generatedNotes(count: number): Record<string, string> {
  const topics = ["optimizers", "tokenization", "attention heads", "positional encoding", "beam search", "label smoothing", "dropout", "layer normalization"];
  const files: Record<string, string> = {};
  for (let i = 0; i < count; i++) {
    const t = topics[i % topics.length];
    const paras = Array.from({ length: 12 }, (_, j) => `Paragraph ${j + 1} about ${t}: notes from week ${i + 1} explain how ${t} interacts with model size, data and compute budget, with worked example ${j}.`);
    files[`course/week ${String(i + 1).padStart(2, "0")}.md`] = `---\ntags: [course]\n---\n# Week ${i + 1}: ${t}\n\n## Summary\n\n${paras.slice(0, 6).join("\n\n")}\n\n## Details\n\n${paras.slice(6).join("\n\n")}\n`;
  }
  return files;
}

describe("the built plugin in Chromium", () => {
  let scholia: ScholiaPage;
  let page: Page;
  let llm: FakeOpenAiServer;

  beforeAll(async () => {
    mkdirSync(ARTIFACTS, { recursive: true });

    llm = await startFakeOpenAiServer({
      models: ["fake-model", "fake-embed"],
      apiKey: API_KEY,
      respond: (req: ChatRequest) => {
        const prompt = req.body.messages.map((m) => (typeof m.content === "string" ? m.content : "")).join("\n");
        if (prompt.includes("You write concept notes")) {
          const messages = req.body.messages.map((m) => ({ role: m.role, content: typeof m.content === "string" ? m.content : "" }));
          return replies.text(conceptReply(WEEK_CONCEPTS)(messages));
        }
        const idOf = (needle: string) => {
          const at = prompt.indexOf(needle);
          const ids = [...prompt.slice(0, Math.max(0, at)).matchAll(/(S\d+) \|/g)];
          return ids.length ? ids[ids.length - 1][1] : "S1";
        };
        const pdf = idOf("3.5 days");
        const note = idOf("onerror");
        const text = `Training the big model took **3.5 days** on eight P100 GPUs [${pdf}]. The appendix quotes the markup ${XSS} verbatim [${note}].`;
        return replies.drip(text.match(/\S+\s*/g) ?? [text], 40);
      },
    });

    scholia = await openScholiaPage({
      llmPort: llm.port,
      // Embeddings from the OpenAI-compatible server; local-embeddings.test.ts covers the local model.
      settings: (origin) => ({
        embeddingKind: "remote",
        remoteEmbeddingBaseUrl: `${origin}/v1`,
        remoteEmbeddingModel: "fake-embed",
        llmPreset: "custom",
        llmBaseUrl: `${origin}/v1`,
        llmModel: "fake-model",
      }),
      apiKey: API_KEY,
      textFiles: {
        "Lecture notes.md": "# Lecture 5: Transformers\n\nMy notes:\n\n",
        "notes/appendix.md": `# Appendix\n\n## Markup\n\nThe appendix quotes the markup ${XSS} verbatim, as a warning about untrusted HTML.\n`,
        ...generatedNotes(60),
      },
      binaryFiles: { "papers/attention.pdf": await makePdf() },
    });
    page = scholia.page;
    expect(scholia.pageErrors).toEqual([]);
  }, 120_000);

  afterAll(async () => {
    await scholia?.close();
    await llm?.close();
  });

  it("indexes the generated vault with remote embeddings and counts main-thread long tasks", async () => {
    await page.evaluate(() => (window as unknown as { scholiaHost: { startLongTaskCount(): void } }).scholiaHost.startLongTaskCount());
    const started = Date.now();
    const result = await page.evaluate(() => (window as unknown as { scholiaHost: { indexVault(): Promise<{ files: number; chunks: number; failed: string[] }> } }).scholiaHost.indexVault());
    const ms = Date.now() - started;
    await new Promise((r) => setTimeout(r, 200));
    const tasks = await page.evaluate(() => (window as unknown as { scholiaHost: { longTasks(): number[] } }).scholiaHost.longTasks());
    const over50 = tasks.filter((d) => d > 50);
    process.stdout.write(
      `[e2e remote embeddings] indexed ${result.files} files (${result.chunks} passages) in ${ms} ms; main-thread long tasks over 50 ms: ${over50.length}` +
        (over50.length ? ` (longest ${Math.round(Math.max(...over50))} ms)` : "") +
        "\n",
    );
    expect(result.failed).toEqual([]);
    expect(result.files).toBe(63);
    await page.screenshot({ path: join(ARTIFACTS, "indexed-status.png") });
  });

  it("streams a cited answer, opens the PDF at the page, and inserts the answer into the note", async () => {
    const input = page.locator("textarea.scholia-input");
    await input.click();
    await input.fill("How long did training the big model on eight P100 GPUs take?");
    // Watch the answer body while it streams: partial text must appear before the sources do.
    await page.evaluate(() => {
      const w = window as unknown as { partials: string[] };
      w.partials = [];
      new MutationObserver(() => {
        const body = document.querySelector(".scholia-answer-body");
        if (body && !document.querySelector(".scholia-sources")) w.partials.push(body.textContent ?? "");
      }).observe(document.getElementById("sidebar")!, { subtree: true, childList: true, characterData: true });
    });
    await input.press("Enter");
    await page.waitForSelector(".scholia-sources", { timeout: 30_000 }).catch(async (e) => {
      await page.screenshot({ path: join(ARTIFACTS, "failure.png") });
      throw new Error(`No answer with sources appeared; the turn reads: ${await page.locator(".scholia-turn").last().textContent()}`, { cause: e });
    });
    const partials = await page.evaluate(() => (window as unknown as { partials: string[] }).partials.filter((p) => p.length > 0));
    expect(partials.length).toBeGreaterThan(1);
    expect(partials[0].length).toBeLessThan(partials[partials.length - 1].length);

    const body = page.locator(".scholia-answer-body");
    await expect.poll(() => body.textContent()).toContain("3.5 days");
    // Document markup is shown as text, never turned into an element.
    expect(await body.textContent()).toContain(`<img src=x onerror="window.__scholiaXss = 1">`);
    expect(await page.locator(".scholia-answer-body img").count()).toBe(0);
    expect(await page.evaluate(() => (window as unknown as { __scholiaXss?: number }).__scholiaXss)).toBeUndefined();
    // The LLM server saw the key from secret storage (it rejects requests without it).
    expect(llm.chatRequests().length).toBeGreaterThan(0);

    await page.screenshot({ path: join(ARTIFACTS, "sidebar-answer-light.png") });

    const pdfCitation = page.locator(".scholia-citation", { hasText: "p. 3" });
    await pdfCitation.hover();
    await page.waitForSelector(".scholia-quote-popover:not([style*='display: none'])");
    expect(await page.locator(".scholia-quote-text").textContent()).toContain("3.5 days");
    await page.screenshot({ path: join(ARTIFACTS, "citation-hover.png") });
    await pdfCitation.click();
    const opened = await page.evaluate(() => (window as unknown as { scholiaHost: { opened(): Array<{ linktext: string }> } }).scholiaHost.opened());
    expect(opened[opened.length - 1].linktext).toMatch(/^papers\/attention\.pdf#page=3(&selection=\d+,\d+,\d+,\d+)?$/);

    await page.locator(".scholia-answer-actions button", { hasText: "Insert at cursor" }).click();
    const noteText = await page.evaluate(() => (window as unknown as { scholiaHost: { saveNote(): Promise<string> } }).scholiaHost.saveNote());
    expect(noteText.startsWith("# Lecture 5: Transformers\n\nMy notes:\n")).toBe(true);
    expect(noteText).toMatch(/\[\[papers\/attention\.pdf#page=3[^\]]*\|[^\]]*p\. 3\]\]/);

    await page.locator(".scholia-answer-actions button", { hasText: "Save as note" }).click();
    await expect
      .poll(() => page.evaluate(() => (window as unknown as { scholiaHost: { listFiles(): string[] } }).scholiaHost.listFiles()))
      .toContain("How long did training the big model on eight P100 GPUs take.md");

    await page.evaluate(() => document.body.classList.add("theme-dark"));
    await page.screenshot({ path: join(ARTIFACTS, "sidebar-answer-dark.png") });
    await page.evaluate(() => document.body.classList.remove("theme-dark"));
  });

  it("previews concept notes from a file, writes only the ticked ones, and links them", async () => {
    type Host = { scholiaHost: { runCommand(id: string, path?: string): boolean; listFiles(): string[]; readFile(p: string): Promise<string | null> } };
    const ran = await page.evaluate(() => (window as unknown as Host).scholiaHost.runCommand("generate-concept-notes", "course/week 03.md"));
    expect(ran).toBe(true);
    await page.waitForSelector(".scholia-concept-list .scholia-concept", { timeout: 30_000 });
    const titles = await page.locator(".scholia-concept-title").allTextContents();
    expect(titles).toEqual(["Model size", "Worked examples"]);
    expect(await page.locator(".scholia-concept-path").allTextContents()).toEqual(["Concepts/Model size.md", "Concepts/Worked examples.md"]);
    await page.locator(".scholia-concept input[type=checkbox]").nth(1).uncheck();
    expect(await page.locator(".scholia-concept-summary").textContent()).toBe("1 of 2 selected: 1 new, 0 regenerated, 0 updated.");
    await page.screenshot({ path: join(ARTIFACTS, "concept-preview.png") });

    await page.locator(".modal-button-container button", { hasText: "Generate" }).click();
    await expect.poll(() => page.evaluate(() => (window as unknown as Host).scholiaHost.listFiles())).toContain("Concepts/Model size.md");
    const files = await page.evaluate(() => (window as unknown as Host).scholiaHost.listFiles());
    expect(files).not.toContain("Concepts/Worked examples.md");
    expect(await page.locator(".scholia-concepts").count()).toBe(0);
    const note = (await page.evaluate(() => (window as unknown as Host).scholiaHost.readFile("Concepts/Model size.md")))!;
    expect(note).toContain("From: [[course/week 03]]");
    expect(note).toMatch(/Attention heads interact with model size \[\[course\/week 03#/);
  });
});
