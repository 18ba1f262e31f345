// The built plugin with its default, LOCAL embedding model, in headless Chromium: the model is
// downloaded from a loopback stand-in for the Hugging Face hub (a GloVe word-vector model the test
// builds), runs in main.js's inlined Web Worker on onnxruntime-web, and vectors for the demo vault
// plus generated lecture notes are built while main-thread long tasks are counted. Then a vector
// search and a cited answer run on that index. No request may leave 127.0.0.1.
import { mkdirSync } from "node:fs";
import { mkdtemp, readdir, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { writeDemoVault } from "../../scripts/make-demo-vault";
import { buildStaticModel, STATIC_MODEL_DIMS } from "../fixtures/static-model";
import { replies, startFakeOpenAiServer, type ChatRequest, type FakeOpenAiServer } from "../helpers/fake-openai-server";
import { courseNotes } from "./helpers/course-notes";
import { startModelHub, type ModelHub } from "./helpers/model-hub";
import { ARTIFACTS, offMachineRequests, openScholiaPage, type ScholiaPage } from "./helpers/scholia-page";

const MODEL_ID = "scholia-e2e/glove-static-100d";
const GENERATED_NOTES = 150;
/** A main-thread stall the user would notice as a frozen editor. */
const LONG_TASK_LIMIT_MS = 500;

interface StatusSample {
  phase: string;
  filesDone: number;
  filesTotal: number;
  modelProgress?: number;
  message?: string;
  at: number;
  statusBar: string;
  panel: string;
}

interface Host {
  scholiaHost: {
    startLongTaskCount(): void;
    longTasks(): number[];
    longTaskTimes(): Array<{ start: number; duration: number }>;
    statusLog(): StatusSample[];
    startedWorkers(): Array<{ name: string; type: string; scheme: string; models: string[] }>;
    indexVault(): Promise<{ files: number; chunks: number; failed: string[] }>;
    indexInfo(): Promise<{ modelId: string | null; embedderId: string | null; dims: number; chunks: number; notice?: string }>;
    search(query: string, mode: string, k?: number): Promise<{ effectiveMode: string; notice?: string; passages: Array<{ path: string; text: string; score: number }> }>;
    opened(): Array<{ linktext: string }>;
  };
}

/** The demo vault (scripts/make-demo-vault.ts) as the page's text and binary files. */
async function demoVaultFiles(dir: string): Promise<{ text: Record<string, string>; binary: Record<string, Uint8Array> }> {
  await writeDemoVault(dir);
  const text: Record<string, string> = {};
  const binary: Record<string, Uint8Array> = {};
  for (const entry of await readdir(dir, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile() || entry.name.startsWith(".")) continue;
    const full = join(entry.parentPath, entry.name);
    const path = relative(dir, full).split("\\").join("/");
    if (path.endsWith(".md")) text[path] = await readFile(full, "utf8");
    else binary[path] = new Uint8Array(await readFile(full));
  }
  return { text, binary };
}

/** The answer the fake LLM gives: the training time, citing whichever source id carries it. */
function answerFromPassages(req: ChatRequest) {
  const prompt = req.body.messages.map((m) => (typeof m.content === "string" ? m.content : "")).join("\n");
  const at = prompt.indexOf("four days");
  const ids = [...prompt.slice(0, Math.max(0, at)).matchAll(/(S\d+) \|/g)];
  if (at < 0 || ids.length === 0) return replies.text("The passages do not say how long training took.");
  const id = ids[ids.length - 1][1];
  const text = `Training the final PocketNet model took **four days** on one laptop GPU, for 120 epochs [${id}].`;
  return replies.drip(text.match(/\S+\s*/g) ?? [text], 20);
}

describe("the built plugin with the local embedding model", () => {
  let root: string;
  let hub: ModelHub;
  let llm: FakeOpenAiServer;
  let scholia: ScholiaPage;
  let page: Page;
  let vaultFiles = 0;

  beforeAll(async () => {
    mkdirSync(ARTIFACTS, { recursive: true });
    root = await mkdtemp(join(tmpdir(), "scholia-e2e-local-"));
    const model = await buildStaticModel(join(root, "model"));
    // About 3 MB of weights at 2 MB/s: the download takes long enough to watch its progress.
    hub = await startModelHub({ models: { [MODEL_ID]: model }, throttleBytesPerSecond: 2_000_000 });
    llm = await startFakeOpenAiServer({ models: ["fake-model"], respond: answerFromPassages });
    const demo = await demoVaultFiles(join(root, "vault"));
    // The host opens "Lecture notes.md" as the note being edited.
    const textFiles = { "Lecture notes.md": "# Lecture notes\n\nWhat I want to try on my own laptop after the course.\n", ...demo.text, ...courseNotes(GENERATED_NOTES) };
    vaultFiles = Object.keys(textFiles).length + Object.keys(demo.binary).length;

    scholia = await openScholiaPage({
      llmPort: llm.port,
      // The default embedding kind is local; the model is any hub id, as a user may type one.
      settings: (origin) => ({ embeddingKind: "local", localModel: MODEL_ID, llmPreset: "custom", llmBaseUrl: `${origin}/v1`, llmModel: "fake-model" }),
      modelHost: hub.url,
      textFiles,
      binaryFiles: demo.binary,
    });
    page = scholia.page;
    expect(scholia.pageErrors).toEqual([]);
  }, 120_000);

  afterAll(async () => {
    await scholia?.close();
    await hub?.close();
    await llm?.close();
    if (root) await rm(root, { recursive: true, force: true });
  });

  it("downloads the model from the hub, builds vectors in a worker, and keeps the main thread responsive", async () => {
    const host = () => page.evaluate(() => (window as unknown as Host).scholiaHost.statusLog());
    await page.evaluate(() => (window as unknown as Host).scholiaHost.startLongTaskCount());
    const started = Date.now();
    const run = page.evaluate(() => (window as unknown as Host).scholiaHost.indexVault());

    // While the model downloads, the sidebar and the status bar say how far it got.
    await page.waitForFunction(() => /Downloading the embedding model: [1-9]\d? %/.test(document.querySelector(".scholia-status-text")?.textContent ?? ""), null, { timeout: 30_000 });
    await page.screenshot({ path: join(ARTIFACTS, "local-model-download.png") });
    // Then the files are indexed, with what is already searchable.
    await page.waitForFunction(() => /^Indexing \d+ \/ \d+ files/.test(document.querySelector(".scholia-status-text")?.textContent ?? ""), null, { timeout: 60_000 });
    await page.screenshot({ path: join(ARTIFACTS, "local-indexing-status.png") });

    const result = await run;
    const ms = Date.now() - started;
    await new Promise((r) => setTimeout(r, 200));
    const tasks = await page.evaluate(() => (window as unknown as Host).scholiaHost.longTasks());
    const times = await page.evaluate(() => (window as unknown as Host).scholiaHost.longTaskTimes());
    const log = await host();

    const downloading = log.filter((s) => s.phase === "loading-model" && typeof s.modelProgress === "number");
    const indexing = log.filter((s) => s.phase === "indexing");
    const modelMs = indexing.length && log.length ? Math.round(indexing[0].at - log[0].at) : 0;
    const over50 = tasks.filter((d) => d > 50);
    process.stdout.write(
      `[e2e local embeddings] ${MODEL_ID} downloaded and loaded in the worker in ${modelMs} ms; ` +
        `indexed ${result.files} files (${result.chunks} passages) in ${ms} ms in all; ` +
        `main-thread long tasks over 50 ms: ${over50.length}` +
        (over50.length ? ` (longest ${Math.round(Math.max(...over50))} ms, total ${Math.round(over50.reduce((a, b) => a + b, 0))} ms)` : "") +
        "\n",
    );
    for (const t of times) {
      const during = [...log].reverse().find((s) => s.at <= t.start);
      process.stdout.write(`  long task ${Math.round(t.duration)} ms at ${Math.round(t.start)} during ${during ? `${during.phase} ${during.filesDone}/${during.filesTotal}` : "start"}\n`);
    }
    process.stdout.write(log.map((s) => `  ${Math.round(s.at)} ${s.phase} ${s.statusBar}`).join("\n") + "\n");

    expect(result.failed).toEqual([]);
    expect(result.files).toBe(vaultFiles);
    // The download was reported as it went, in the status bar too.
    expect(downloading.some((s) => s.modelProgress! > 0 && s.modelProgress! < 1)).toBe(true);
    expect(downloading.some((s) => /^Scholia: model [1-9]\d? %$/.test(s.statusBar))).toBe(true);
    expect(indexing.some((s) => /^Scholia: \d+ \/ \d+ files$/.test(s.statusBar) && s.filesDone > 0 && s.filesDone < s.filesTotal)).toBe(true);
    expect(log.at(-1)).toMatchObject({ phase: "ready", statusBar: `Scholia: ${vaultFiles} files` });

    // The model came from the loopback hub in the transformers.js layout, and ran in main.js's worker.
    const fetched = hub.requests.filter((r) => r.status === 200).map((r) => r.path);
    for (const file of ["config.json", "tokenizer.json", "tokenizer_config.json", "onnx/model.onnx"]) {
      expect(fetched).toContain(`/${MODEL_ID}/resolve/main/${file}`);
    }
    const workers = await page.evaluate(() => (window as unknown as Host).scholiaHost.startedWorkers());
    expect(workers.filter((w) => w.models.length > 0)).toEqual([{ name: "scholia-embeddings", type: "module", scheme: "blob:", models: [MODEL_ID] }]);

    // Embedding ran off the main thread: no stall a user would feel as a frozen editor.
    expect(Math.max(0, ...tasks)).toBeLessThan(LONG_TASK_LIMIT_MS);
  });

  it("reports the model in the index and finds passages by meaning", async () => {
    const info = await page.evaluate(() => (window as unknown as Host).scholiaHost.indexInfo());
    expect(info).toMatchObject({ modelId: MODEL_ID, embedderId: MODEL_ID, dims: STATIC_MODEL_DIMS });
    expect(info.notice).toBeUndefined();

    // Few of these words are in the note, which says "training the final model took four days on one
    // laptop GPU": vector search finds it by meaning.
    const vector = await page.evaluate(() => (window as unknown as Host).scholiaHost.search("how many days did it take to train the network on a notebook computer", "vector", 5));
    expect(vector.effectiveMode).toBe("vector");
    expect(vector.notice).toBeUndefined();
    expect(vector.passages.length).toBe(5);
    console.log(vector.passages.map((p) => `${p.path} ${p.score} ${p.text.slice(0, 80)}`));
    expect(vector.passages.map((p) => p.path)).toContain("Notes/Training small CNNs.md");

    const hybrid = await page.evaluate(() => (window as unknown as Host).scholiaHost.search("How long did training the final PocketNet model take?", "hybrid", 5));
    expect(hybrid.effectiveMode).toBe("hybrid");
    expect(hybrid.notice).toBeUndefined();
    expect(hybrid.passages[0].text).toContain("four days");
  });

  it("answers a question with a citation from the hybrid index", async () => {
    const input = page.locator("textarea.scholia-input");
    await input.click();
    await input.fill("How long did training the final PocketNet model take?");
    await input.press("Enter");
    await page.waitForSelector(".scholia-sources", { timeout: 30_000 }).catch(async (e) => {
      await page.screenshot({ path: join(ARTIFACTS, "local-failure.png") });
      throw new Error(`No answer with sources appeared; the turn reads: ${await page.locator(".scholia-turn").last().textContent()}`, { cause: e });
    });
    const body = page.locator(".scholia-answer-body");
    await expect.poll(() => body.textContent()).toContain("four days");
    // No "keyword search only" notice: the question was embedded by the worker and searched both ways.
    expect(await page.locator(".scholia-turn .scholia-notice").count()).toBe(0);
    await page.screenshot({ path: join(ARTIFACTS, "local-answer.png") });

    await page.locator(".scholia-citation").first().click();
    const opened = await page.evaluate(() => (window as unknown as Host).scholiaHost.opened());
    expect(opened.at(-1)?.linktext).toMatch(/^Notes\/Training small CNNs(\.md)?#/);
  });

  it("never requests anything from a host other than 127.0.0.1", () => {
    // The hub requests show the workers' traffic is observed; nothing went to a CDN or the real hub.
    expect(scholia.requests.some((u) => u.startsWith(hub.url))).toBe(true);
    expect(offMachineRequests(scholia.requests)).toEqual([]);
    expect(scholia.pageErrors).toEqual([]);
  });
});
