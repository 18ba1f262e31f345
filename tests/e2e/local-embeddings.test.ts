// The built plugin with its default, LOCAL embedding model, in headless Chromium: the model is
// downloaded from a loopback stand-in for the Hugging Face hub (a GloVe word-vector model the test
// builds), runs in main.js's inlined Web Worker on onnxruntime-web, and vectors for the demo vault
// plus generated lecture notes are built while main-thread long tasks are counted. Then a vector
// search and a cited answer run on that index, and a rebuild reloads the model from the browser's
// cache in a fresh worker. No request may leave 127.0.0.1.
//   npm run build && npx vitest run --config vitest.e2e.config.ts   (E2E_VERBOSE=1 for details)
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
import type { StartedWorker } from "./host/redirect-model-downloads";

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
    longTaskTimes(): Array<{ start: number; duration: number }>;
    statusLog(): StatusSample[];
    startedWorkers(): StartedWorker[];
    indexVault(): Promise<{ files: number; chunks: number; failed: string[] }>;
    rebuild(): Promise<{ files: number; chunks: number; failed: string[] }>;
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

/** Prints the figures the issue asks for: long tasks over 50 ms, split by what the index was doing. */
function reportLongTasks(tasks: Array<{ start: number; duration: number }>, log: StatusSample[], result: { files: number; chunks: number }, ms: number): void {
  const firstIndexing = log.find((s) => s.phase === "indexing");
  const modelMs = firstIndexing && log.length ? Math.round(firstIndexing.at - log[0].at) : 0;
  const over50 = tasks.filter((t) => t.duration > 50);
  const summary = (list: typeof tasks) =>
    list.length === 0 ? "0" : `${list.length} (longest ${Math.round(Math.max(...list.map((t) => t.duration)))} ms, ${Math.round(list.reduce((s, t) => s + t.duration, 0))} ms in all)`;
  const whileLoading = over50.filter((t) => !firstIndexing || t.start < firstIndexing.at);
  const whileIndexing = over50.filter((t) => firstIndexing && t.start >= firstIndexing.at);
  process.stdout.write(
    `[e2e local embeddings] ${MODEL_ID}: downloaded and loaded in the worker in ${modelMs} ms, then ${result.files} files ` +
      `(${result.chunks} passages) indexed; ${ms} ms in all. Main-thread long tasks over 50 ms: ${summary(over50)}; ` +
      `while the model loaded: ${summary(whileLoading)}; while files were indexed: ${summary(whileIndexing)}.\n`,
  );
  if (!process.env.E2E_VERBOSE) return;
  for (const t of over50) {
    const at = log.filter((s) => s.at <= t.start).at(-1);
    process.stdout.write(`  long task ${Math.round(t.duration)} ms after "${at?.statusBar ?? "start"}"\n`);
  }
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
    await page.evaluate(() => (window as unknown as Host).scholiaHost.startLongTaskCount());
    const started = Date.now();
    const run = page.evaluate(() => (window as unknown as Host).scholiaHost.indexVault());

    // While the model downloads, the sidebar says how far it got; then the files are indexed, with
    // what is already searchable.
    await page.waitForFunction(() => /Downloading the embedding model: [1-9]\d? %/.test(document.querySelector(".scholia-status-text")?.textContent ?? ""), null, { timeout: 30_000 });
    await page.screenshot({ path: join(ARTIFACTS, "local-model-download.png") });
    await page.waitForFunction(() => /^Indexing \d+ \/ \d+ files/.test(document.querySelector(".scholia-status-text")?.textContent ?? ""), null, { timeout: 60_000 });
    await page.screenshot({ path: join(ARTIFACTS, "local-indexing-status.png") });

    const result = await run;
    const ms = Date.now() - started;
    await new Promise((r) => setTimeout(r, 200));
    const tasks = await page.evaluate(() => (window as unknown as Host).scholiaHost.longTaskTimes());
    const log = await page.evaluate(() => (window as unknown as Host).scholiaHost.statusLog());
    const workers = await page.evaluate(() => (window as unknown as Host).scholiaHost.startedWorkers());
    reportLongTasks(tasks, log, result, ms);
    if (process.env.E2E_VERBOSE) process.stdout.write(hub.requests.map((r) => `  hub ${r.method} ${r.path}${r.range ? ` (${r.range})` : ""} ${r.status} from ${r.origin}\n`).join(""));

    expect(result.failed).toEqual([]);
    expect(result.files).toBe(vaultFiles);
    // The download was reported as it went, in the status bar too, then each file as it was indexed.
    const downloading = log.filter((s) => s.phase === "loading-model" && typeof s.modelProgress === "number");
    expect(downloading.some((s) => s.modelProgress! > 0 && s.modelProgress! < 1)).toBe(true);
    expect(downloading.some((s) => /^Scholia: model [1-9]\d? %$/.test(s.statusBar))).toBe(true);
    expect(log.some((s) => s.phase === "indexing" && /^Scholia: \d+ \/ \d+ files$/.test(s.statusBar) && s.filesDone > 0 && s.filesDone < s.filesTotal)).toBe(true);
    expect(log.at(-1)).toMatchObject({ phase: "ready", statusBar: `Scholia: ${vaultFiles} files` });

    // The model came from the loopback hub in the hub's layout (the quantized weights first, then the
    // fp32 fallback this model has), and was loaded by main.js's inlined worker, which computed every
    // vector: the plugin posted it the passages, it sent vectors back.
    const fetched = hub.requests.filter((r) => r.status === 200).map((r) => r.path);
    for (const file of ["config.json", "tokenizer.json", "tokenizer_config.json", "onnx/model.onnx"]) {
      expect(fetched).toContain(`/${MODEL_ID}/resolve/main/${file}`);
    }
    // Each file is downloaded once; the hub's Range probes (206) only read its size.
    expect(hub.requests.filter((r) => r.path.endsWith("/onnx/model.onnx") && r.status === 200)).toHaveLength(1);
    const embedding = workers.filter((w) => w.models.length > 0);
    expect(embedding).toMatchObject([{ name: "scholia-embeddings", type: "module", scheme: "blob:", models: [MODEL_ID] }]);
    const batches = Math.ceil(result.chunks / 32);
    expect(embedding[0].posted.embed).toBeGreaterThanOrEqual(Math.min(batches, 10));
    expect(embedding[0].replies.vectors).toBe(embedding[0].posted.embed + (embedding[0].posted.query ?? 0));
    expect(embedding[0].replies.progress).toBeGreaterThan(0);

    // No stall a user would feel as a frozen editor while the vault was indexed.
    expect(Math.max(0, ...tasks.map((t) => t.duration))).toBeLessThan(LONG_TASK_LIMIT_MS);
  });

  it("reports the model in the index and finds passages by meaning", async () => {
    const info = await page.evaluate(() => (window as unknown as Host).scholiaHost.indexInfo());
    expect(info).toMatchObject({ modelId: MODEL_ID, embedderId: MODEL_ID, dims: STATIC_MODEL_DIMS });
    expect(info.notice).toBeUndefined();

    // The note says "Warmup raises the learning rate gradually at the start of training": the query
    // shares almost none of its words, so only the vectors can rank it first.
    const vector = await page.evaluate(() => (window as unknown as Host).scholiaHost.search("raising the step size slowly during the first epochs", "vector", 5));
    expect(vector.effectiveMode).toBe("vector");
    expect(vector.notice).toBeUndefined();
    expect(vector.passages).toHaveLength(5);
    expect(vector.passages[0]).toMatchObject({ path: "Notes/Learning rate warmup.md" });
    expect(vector.passages[0].text).toContain("raises the learning rate gradually");

    const hybrid = await page.evaluate(() => (window as unknown as Host).scholiaHost.search("How long did training the final PocketNet model take?", "hybrid", 5));
    expect(hybrid.effectiveMode).toBe("hybrid");
    expect(hybrid.notice).toBeUndefined();
    expect(hybrid.passages.map((p) => p.text).join("\n")).toContain("four days");
  });

  it("answers a question with a citation from the hybrid index", async () => {
    const queries = async () => (await page.evaluate(() => (window as unknown as Host).scholiaHost.startedWorkers())).find((w) => w.name === "scholia-embeddings")?.posted.query ?? 0;
    const queriesBefore = await queries();
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
    expect(await queries()).toBeGreaterThan(queriesBefore);
    await page.screenshot({ path: join(ARTIFACTS, "local-answer.png") });

    await page.locator(".scholia-citation").first().click();
    const opened = await page.evaluate(() => (window as unknown as Host).scholiaHost.opened());
    expect(opened.at(-1)?.linktext).toMatch(/^Notes\/Training small CNNs(\.md)?#/);
  });

  it("rebuilds with the model from the browser cache in a fresh worker, closing the old one", async () => {
    const downloads = () => hub.requests.filter((r) => r.path.endsWith("/onnx/model.onnx") && r.status === 200).length;
    const before = downloads();
    const result = await page.evaluate(() => (window as unknown as Host).scholiaHost.rebuild());
    expect(result.failed).toEqual([]);
    expect(result.files).toBe(vaultFiles);
    // The weights were not fetched again: transformers.js kept them in the worker's Cache Storage.
    expect(downloads()).toBe(before);
    const workers = (await page.evaluate(() => (window as unknown as Host).scholiaHost.startedWorkers())).filter((w) => w.models.length > 0);
    expect(workers).toHaveLength(2);
    // Exactly one model stays in memory.
    expect(workers.map((w) => w.terminated)).toEqual([true, false]);
    const info = await page.evaluate(() => (window as unknown as Host).scholiaHost.indexInfo());
    expect(info).toMatchObject({ modelId: MODEL_ID, dims: STATIC_MODEL_DIMS });
  });

  it("never requests anything from a host other than 127.0.0.1", () => {
    // The hub requests show the workers' traffic is observed; nothing went to a CDN or the real hub.
    expect(scholia.requests.some((u) => u.startsWith(hub.url))).toBe(true);
    expect(offMachineRequests(scholia.requests)).toEqual([]);
    expect(scholia.pageErrors).toEqual([]);
  });
});
