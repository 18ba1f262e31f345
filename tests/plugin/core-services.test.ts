// @vitest-environment happy-dom
// The plugin's real services, composed as the app composes them (createCoreServices over the vault and
// its adapter), with keyword-only retrieval and no language model: notes are indexed into the config
// folder, questions get extractive answers cited to the right note and heading, a session after a
// restart answers from the saved index, edits are followed, and an index whose texts file rotted on
// disk is reported with the answer, never crashes the sidebar, never touches a note, and is repaired
// by the next index run.
import { afterEach, describe, expect, it, vi } from "vitest";
import type { App as AppOriginal } from "obsidian";
import type { App } from "obsidian-test-mocks/obsidian";
import { PendingChecksum } from "../../src/core/index/checksum";
import { DAMAGED_NOTICE } from "../../src/core/index/errors";
import { MANIFEST_NAME } from "../../src/core/index/manifest";
import { isIndexablePath } from "../../src/core/ingest/ingest-file";
import { CoreIndexService } from "../../src/plugin/core-index-service";
import { createCoreServices } from "../../src/plugin/core-services";
import type { AnswerCitation, AskResult } from "../../src/plugin/services";
import { DEFAULT_SETTINGS, type ScholiaSettings } from "../../src/plugin/settings";
import { indexDirFor } from "../../src/plugin/vault-io";
import { makeIndexableApp } from "./harness";

const TRAINING = "Research/Transformer training.md";
const SOURDOUGH = "Kitchen/Sourdough.md";
const GARDEN = "Projects/Garden plan.md";
const MEETING = "Daily/2024-03-14.md";

const NOTES: Record<string, string> = {
  [TRAINING]: `---
tags: [ml, transformers]
---
# Transformer training

## Hardware
The base Transformer was trained on one machine with eight NVIDIA P100 GPUs. Each training step took about 0.4 seconds, and the base models were trained for 100,000 steps, or 12 hours.

## Optimizer
We used the Adam optimizer with beta1 = 0.9, beta2 = 0.98 and epsilon = 1e-9. The learning rate rose linearly for the first 4,000 warmup steps and then decreased with the inverse square root of the step number.

## Regularization
Residual dropout of 0.1 was applied to the output of each sub-layer. Label smoothing of 0.1 hurt perplexity but improved accuracy and the BLEU score.
`,
  [SOURDOUGH]: `# Sourdough

## Levain
Feed the starter twelve hours before mixing: 50 g starter, 100 g flour and 100 g water. It is ready when it has doubled and a spoonful floats in water.

## Bulk fermentation
Bulk fermentation takes about five hours at 24 °C. Do four sets of stretch and folds in the first two hours, then leave the dough alone until it has grown by half and shows bubbles at the edges.

## Baking
Bake in a preheated Dutch oven at 250 °C for twenty minutes with the lid on, then twenty-five minutes at 230 °C with the lid off.
`,
  [GARDEN]: `# Garden plan

## Tomatoes
Plant the tomato seedlings out after the last frost in mid May, 60 cm apart, with basil between the rows as a companion plant.

## Watering
Water deeply twice a week in the early morning rather than a little every day, so the roots grow down instead of staying near the surface.
`,
  [MEETING]: `# Meeting with Dana

- Agreed to move the reading group to Thursdays.
- Dana will present the paper on retrieval augmented generation next week.
- I owe her the slides from the March workshop.
`,
};

const OPTIMIZER_QUESTION = "Which optimizer was used, and what were beta1 and beta2?";
const FERMENTATION_QUESTION = "How many hours does the bulk fermentation of the sourdough take?";

const settings: ScholiaSettings = { ...DEFAULT_SETTINGS, embeddingKind: "none", llmPreset: "none" };

/** One session of the plugin: the services the app builds when the plugin loads. */
function openSession(app: App) {
  const obsidianApp = app as unknown as AppOriginal;
  return createCoreServices(obsidianApp, {
    settings: () => settings,
    apiKey: () => "",
    indexDir: () => indexDirFor(obsidianApp, "plugin", ""),
    isIndexable: isIndexablePath,
  });
}

type Session = ReturnType<typeof openSession>;
const sessions: Session[] = [];

function session(app: App): Session {
  const s = openSession(app);
  sessions.push(s);
  return s;
}

afterEach(() => {
  for (const s of sessions.splice(0)) s.dispose();
  vi.restoreAllMocks();
});

function ask(s: Session, question: string): Promise<AskResult> {
  return s.ask.ask(question, { history: [] });
}

function citationOf(result: AskResult, path: string): AnswerCitation | undefined {
  return result.citations.find((c) => c.path === path);
}

/** Every vault note's bytes, as the user's disk holds them. */
async function noteBytes(app: App): Promise<Map<string, Uint8Array>> {
  const out = new Map<string, Uint8Array>();
  for (const f of app.vault.getFiles()) out.set(f.path, new Uint8Array(await app.vault.readBinary(f)));
  return out;
}

function indexFile(app: App, name: string): string {
  return `${indexDirFor(app as unknown as AppOriginal, "plugin", "")}/${name}`;
}

/** The name of the texts data file the saved manifest points at (the manifest's first line is its
 *  checksum, the JSON follows). */
async function textsFileName(app: App): Promise<string> {
  const manifest = new TextDecoder().decode(await app.vault.adapter.readBinary(indexFile(app, MANIFEST_NAME)));
  const parsed = JSON.parse(manifest.slice(manifest.indexOf("\n") + 1)) as { files: { texts: { name: string } } };
  return parsed.files.texts.name;
}

/** Bit rot in the stored passages: one letter of `word` changes, the file keeps its size. */
async function rotTexts(app: App, word: string, replacement: string): Promise<void> {
  expect(replacement).toHaveLength(word.length);
  const path = indexFile(app, await textsFileName(app));
  const bytes = new Uint8Array(await app.vault.adapter.readBinary(path));
  const text = new TextDecoder("latin1").decode(bytes);
  const at = text.indexOf(word);
  expect(at, `"${word}" should be stored in ${path}`).toBeGreaterThanOrEqual(0);
  for (let i = 0; i < replacement.length; i++) bytes[at + i] = replacement.charCodeAt(i);
  await app.vault.adapter.writeBinary(path, bytes.buffer);
}

async function indexedVault(): Promise<{ app: App; first: Session }> {
  const app = makeIndexableApp(NOTES);
  const first = session(app);
  await first.index.indexVault();
  return { app, first };
}

describe("the plugin's real services over the vault (keyword search, no language model)", () => {
  it("indexes the notes and answers with a citation to the note and heading that hold the answer", async () => {
    const { first } = await indexedVault();
    expect(first.index.status()).toMatchObject({ phase: "ready", searchableFiles: 4 });
    expect(first.index.report().map((r) => [r.path, r.status])).toEqual([
      [MEETING, "indexed"],
      [SOURDOUGH, "indexed"],
      [GARDEN, "indexed"],
      [TRAINING, "indexed"],
    ]);

    const result = await ask(first, OPTIMIZER_QUESTION);
    expect(result).toMatchObject({ mode: "extractive", refused: false });
    const cited = citationOf(result, TRAINING);
    expect(cited, JSON.stringify(result.citations)).toBeDefined();
    expect(cited!.kind).toBe("markdown");
    expect(cited!.headings?.at(-1)).toBe("Optimizer");
    expect(cited!.quote).toContain("Adam optimizer with beta1 = 0.9, beta2 = 0.98");
    // The link opens the heading in the user's link format, and the answer carries it.
    expect(cited!.link).toMatch(/^\[\[Research\/Transformer training#Optimizer(\|[^\]]*)?\]\]$/);
    expect(result.answer).toContain(cited!.link);
    expect(result.links?.map((l) => l.target.path)).toContain(TRAINING);
    expect(result.citations.every((c) => c.path !== SOURDOUGH && c.path !== GARDEN)).toBe(true);
  });

  it("refuses a question the vault cannot answer instead of citing something unrelated", async () => {
    const { first } = await indexedVault();
    const result = await ask(first, "What is the boiling point of liquid nitrogen in Kelvin?");
    expect(result.refused).toBe(true);
    expect(result.citations).toEqual([]);
  });

  it("keeps the index in the config folder, out of the vault's files", async () => {
    const { app } = await indexedVault();
    expect(app.vault.getFiles().map((f) => f.path).sort()).toEqual(Object.keys(NOTES).sort());
    expect(await app.vault.adapter.exists(indexFile(app, MANIFEST_NAME))).toBe(true);
    expect(await app.vault.adapter.exists(indexFile(app, await textsFileName(app)))).toBe(true);
  });

  it("answers in the next session from the saved index without reading unchanged notes again", async () => {
    const { app, first } = await indexedVault();
    first.dispose();
    // makeIndexableApp already routes readBinary through a spy (spyOn hands back that one): count from here on.
    const reads = vi.spyOn(app.vault.adapter, "readBinary");
    reads.mockClear();

    const next = session(app);
    const result = await ask(next, FERMENTATION_QUESTION);
    // The catch-up run that opening starts, and one the user starts, find nothing to do.
    await next.index.indexVault();

    const cited = citationOf(result, SOURDOUGH);
    expect(cited?.headings?.at(-1)).toBe("Bulk fermentation");
    expect(cited?.quote).toContain("about five hours at 24 °C");
    const noteReads = reads.mock.calls.map(([p]) => p).filter((p) => p in NOTES);
    expect(noteReads).toEqual([]);
    expect(next.index.status()).toMatchObject({ phase: "ready", searchableFiles: 4 });
  });

  it("follows an edited note once it is re-indexed, and forgets a deleted one", async () => {
    const { app, first } = await indexedVault();
    const note = app.vault.getFileByPath(SOURDOUGH)!;
    const edited = NOTES[SOURDOUGH].replace("about five hours at 24 °C", "about eight hours at 21 °C in winter");
    await app.vault.modify(note, edited);
    // What the background indexer does when Obsidian reports the modification.
    await first.index.indexPaths([SOURDOUGH]);

    const after = await ask(first, FERMENTATION_QUESTION);
    const cited = citationOf(after, SOURDOUGH);
    expect(cited?.quote).toContain("about eight hours at 21 °C in winter");
    expect(after.answer).not.toContain("five hours");

    // The user deletes the note (to the trash, as Obsidian does).
    await app.fileManager.trashFile(note);
    await first.index.removePaths([SOURDOUGH]);
    const gone = await ask(first, FERMENTATION_QUESTION);
    expect(gone.citations.map((c) => c.path)).not.toContain(SOURDOUGH);
    expect(first.index.report().map((r) => r.path)).not.toContain(SOURDOUGH);
  });

  it("tells the user when the stored passages were found damaged after opening, leaves the notes alone, and an index run repairs it", async () => {
    const { app, first } = await indexedVault();
    expect(citationOf(await ask(first, OPTIMIZER_QUESTION), TRAINING)).toBeDefined();
    first.dispose();
    const before = await noteBytes(app);
    await rotTexts(app, "Adam optimizer", "Adem optimizer");

    // Obsidian restarts: the index opens without reading the texts through, so the damage is found
    // only when the first answer needs them.
    const next = session(app);
    const damaged = await ask(next, OPTIMIZER_QUESTION);
    expect(damaged.notice).toContain(DAMAGED_NOTICE);
    expect(damaged.notice!.split(DAMAGED_NOTICE)).toHaveLength(2);
    // A rotted passage is never shown as a quote.
    expect(JSON.stringify(damaged)).not.toContain("Adem");
    // It was the index's later check that found it, not the opening (which has its own notice).
    const loaded = await (next.index as CoreIndexService).load();
    expect(loaded.repairNotice).toBeUndefined();
    expect(loaded.index.notice).toBe(DAMAGED_NOTICE);

    await next.index.indexVault();
    const repaired = await ask(next, OPTIMIZER_QUESTION);
    expect(repaired.refused).toBe(false);
    // Once repaired, answers stop warning about it.
    expect(repaired.notice ?? "").not.toContain(DAMAGED_NOTICE);
    expect(next.index.status().message ?? "").not.toContain(DAMAGED_NOTICE);
    const cited = citationOf(repaired, TRAINING);
    expect(cited?.headings?.at(-1)).toBe("Optimizer");
    expect(cited?.quote).toContain("Adam optimizer");
    expect(next.index.status()).toMatchObject({ phase: "ready", searchableFiles: 4 });

    // The notes were read, never written.
    expect(await noteBytes(app)).toEqual(before);

    // The repaired index was saved: the session after that opens it clean.
    next.dispose();
    const third = session(app);
    const clean = await ask(third, OPTIMIZER_QUESTION);
    expect(clean.notice ?? "").not.toContain(DAMAGED_NOTICE);
    expect(citationOf(clean, TRAINING)?.quote).toContain("Adam optimizer");
  });

  it("says indexing is still running when it cannot answer before every note has been read", async () => {
    const app = makeIndexableApp(NOTES);
    const s = session(app);
    // The sourdough note is slow to read (a large file, a slow disk): the run stops there for a while.
    let release!: () => void;
    const slow = new Promise<void>((resolve) => (release = resolve));
    const read = app.vault.readBinary.bind(app.vault);
    vi.spyOn(app.vault, "readBinary").mockImplementation(async (file) => {
      if (file.path === SOURDOUGH) await slow;
      return read(file);
    });
    const run = s.index.indexVault();
    await vi.waitFor(() => expect(s.index.status()).toMatchObject({ phase: "indexing", filesTotal: 4 }));

    const early = await ask(s, FERMENTATION_QUESTION);
    expect(early.refused).toBe(true);
    expect(early.notice).toMatch(/Indexing is still running \(\d of 4 files\)/);

    release();
    await run;
    const answered = await ask(s, FERMENTATION_QUESTION);
    expect(answered.refused).toBe(false);
    expect(citationOf(answered, SOURDOUGH)).toBeDefined();
    expect(answered.notice ?? "").not.toContain("Indexing is still running");
  });

  it("lists a note it could not read in the index report, with the reason, until it can be read", async () => {
    const app = makeIndexableApp(NOTES);
    const s = session(app);
    const read = app.vault.readBinary.bind(app.vault);
    let locked = true;
    vi.spyOn(app.vault, "readBinary").mockImplementation(async (file) => {
      if (file.path === GARDEN && locked) throw new Error("EACCES: permission denied");
      return read(file);
    });
    await s.index.indexVault();
    const failed = s.index.report().find((r) => r.path === GARDEN);
    expect(failed).toMatchObject({ status: "failed", chunks: 0 });
    expect(failed?.reason).toMatch(/Could not read the file: .*permission denied/);
    expect(s.index.report().filter((r) => r.status !== "failed")).toHaveLength(3);

    // Changed on disk again (an edit event), and readable now: it is indexed and the failure goes.
    locked = false;
    await s.index.indexPaths([GARDEN]);
    expect(s.index.report().find((r) => r.path === GARDEN)).toMatchObject({ status: "indexed" });
  });

  it("re-reads the damaged notes in the run that opening starts, even when the check of the stored passages ends after the run looked at them", async () => {
    const { app, first } = await indexedVault();
    first.dispose();
    await rotTexts(app, "Adam optimizer", "Adem optimizer");
    // A texts file of several megabytes is checked in 4 MB slices between other work, so the run
    // that brings the index up to date after a restart can reach its notes before the check ends.
    const slowCheck = vi.spyOn(PendingChecksum.prototype, "finishInBackground").mockImplementation(async function (this: PendingChecksum) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      return this.finish();
    });

    const next = session(app);
    await next.index.indexVault();
    expect(slowCheck).toHaveBeenCalled();

    expect(next.index.status()).toMatchObject({ phase: "ready", searchableFiles: 4 });
    const repaired = await ask(next, OPTIMIZER_QUESTION);
    expect(citationOf(repaired, TRAINING)?.quote).toContain("Adam optimizer");
  });
});
