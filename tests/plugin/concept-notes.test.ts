// @vitest-environment happy-dom
// Concept notes as a user makes them in the app: the command (or the file menu) plans the concepts,
// a preview lists them with checkboxes, target paths and what will happen there, and Generate writes
// only the ticked ones — through the real concept pipeline, into the mock vault — then says what it did.
import { afterEach, describe, expect, it, vi } from "vitest";
import { Modal, Notice, TFile } from "obsidian";
import type { App as AppOriginal, PluginManifest } from "obsidian";
import { Menu, type App } from "obsidian-test-mocks/obsidian";
import { ingestFile } from "../../src/core/ingest/ingest-file";
import { VaultConceptService } from "../../src/plugin/concept-service";
import type { ConceptPreviewModal } from "../../src/plugin/concept-preview-modal";
import ScholiaPlugin from "../../src/plugin/scholia-plugin";
import type { ScholiaServices } from "../../src/plugin/services";
import { conceptReply, ScriptedLlm } from "../concepts/helpers";
import { fakeServices } from "./fake-services";
import { button, makeApp, waitFor } from "./harness";

const SOURCE = "Lectures/Transformers.md";
const LECTURE = `# Transformers

## Attention
Self-attention relates every position of a sequence to every other position in one step. Each head computes attention weights from queries and keys.

## Positional encoding
Positional encoding adds sine and cosine signals to the embeddings so the model knows word order. Without positional encoding the model would see a bag of words.

## Training
Training the big model took 3.5 days on eight GPUs with label smoothing.
`;
const PERSON_NOTE = "# Positional encoding\n\nMy own summary, written by hand. Do not touch.\n";

const CONCEPTS = [
  { title: "Self-attention", claims: [{ text: "Self-attention relates all positions in one step.", cue: "every other position" }, { text: "Heads weigh keys against queries.", cue: "queries and keys" }] },
  { title: "Positional encoding", claims: [{ text: "Sine and cosine signals give the model word order.", cue: "sine and cosine" }, { text: "Without it the input is a bag of words.", cue: "bag of words" }] },
  { title: "Label smoothing", claims: [{ text: "The big model used label smoothing.", cue: "label smoothing" }] },
];

const manifest = { id: "scholia", name: "Scholia", version: "0.1.0", minAppVersion: "1.8.7", description: "", author: "" } as PluginManifest;

class TestPlugin extends ScholiaPlugin {
  fakes = fakeServices();
  protected override createServices(): ScholiaServices {
    return this.fakes;
  }
}

/** The mocks keep text files out of readBinary; Obsidian reads any file as bytes. */
function readTextAsBinary(app: App): void {
  const adapter = app.vault.adapter as unknown as { readBinary(p: string): Promise<ArrayBuffer>; read(p: string): Promise<string> };
  const original = adapter.readBinary.bind(adapter);
  adapter.readBinary = async (p) => {
    try {
      return await original(p);
    } catch {
      const bytes = new TextEncoder().encode(await adapter.read(p));
      return bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength);
    }
  };
  // The mocks' vault.readBinary goes to the adapter only for binary files; route text files too.
  const vault = app.vault as unknown as { readBinary(f: TFile): Promise<ArrayBuffer> };
  vault.readBinary = (f) => adapter.readBinary(f.path);
}

/** Modals opened by the code under test, kept open (the mocks close them on the next tick). */
function captureModals(): Modal[] {
  const opened: Modal[] = [];
  vi.spyOn(Modal.prototype, "open").mockImplementation(function (this: Modal) {
    opened.push(this);
    document.body.appendChild(this.containerEl);
    void this.onOpen();
  });
  return opened;
}

/** Notices shown, with the message as given (a fragment keeps its click handlers). */
function captureNotices(): Array<string | DocumentFragment> {
  const shown: Array<string | DocumentFragment> = [];
  const proto = Notice.prototype as unknown as { constructor__(message: string | DocumentFragment): void };
  vi.spyOn(proto, "constructor__").mockImplementation((message) => {
    shown.push(message);
  });
  return shown;
}

async function loadPlugin(files: Record<string, string>) {
  const app = makeApp(files);
  readTextAsBinary(app);
  const plugin = new TestPlugin(app as unknown as AppOriginal, manifest);
  await plugin.onload();
  await plugin.updateSettings({ conceptFolder: "Concepts" });
  const llm = new ScriptedLlm([conceptReply(CONCEPTS)]);
  plugin.fakes.concepts.impl = new VaultConceptService(app as unknown as AppOriginal, {
    conceptFolder: () => plugin.settings.conceptFolder,
    llm: () => llm,
    ingest: (path, data) => ingestFile(path, data),
    corpus: async () => ({ existingNotes: [], retrieve: async (query) => ({ query, passages: [], confidence: 0 }) }),
    now: () => new Date("2026-05-05T10:00:00Z"),
  });
  const commands = (plugin as unknown as { commands__: Map<string, { checkCallback?(checking: boolean): boolean; callback?(): void }> }).commands__;
  return { app, plugin, commands, llm };
}

async function openFile(app: App, path: string): Promise<void> {
  const file = app.vault.getFileByPath(path)!;
  vi.spyOn(app.workspace, "getActiveFile").mockReturnValue(file);
}

function rows(modal: Modal) {
  return [...modal.contentEl.querySelectorAll<HTMLLIElement>(".scholia-concept")].map((li) => ({
    li,
    title: li.querySelector(".scholia-concept-title")?.textContent ?? "",
    path: li.querySelector(".scholia-concept-path")?.textContent ?? "",
    target: li.querySelector(".scholia-concept-target")?.textContent ?? "",
    box: li.querySelector<HTMLInputElement>("input[type=checkbox]")!,
  }));
}

async function previewFromCommand(files: Record<string, string>) {
  const world = await loadPlugin(files);
  const modals = captureModals();
  const notices = captureNotices();
  await openFile(world.app, SOURCE);
  const command = world.commands.get("generate-concept-notes")!;
  expect(command.checkCallback!(true)).toBe(true);
  command.checkCallback!(false);
  await waitFor(() => modals.length > 0);
  return { ...world, modal: modals[0] as ConceptPreviewModal, notices, modals };
}

afterEach(() => {
  document.body.empty();
  vi.restoreAllMocks();
});

describe("concept notes in the plugin", () => {
  it("previews the planned concepts with checkboxes, target paths and what will happen there", async () => {
    const { modal } = await previewFromCommand({ [SOURCE]: LECTURE, "Concepts/Positional encoding.md": PERSON_NOTE });
    expect(modal.titleEl.textContent).toBe("Concept notes from Transformers");
    const listed = rows(modal);
    expect(listed.map((r) => r.title)).toEqual(["Self-attention", "Positional encoding", "Label smoothing"]);
    expect(listed.map((r) => r.path)).toEqual(["Concepts/Self-attention.md", "Concepts/Positional encoding.md", "Concepts/Label smoothing.md"]);
    expect(listed.every((r) => r.box.checked)).toBe(true);
    expect(listed[0].target).toBe("New note");
    expect(listed[1].target).toMatch(/Edited by a person: kept as is, an update section is appended/);
    expect(modal.contentEl.querySelector(".scholia-concept-summary")?.textContent).toBe("3 of 3 selected: 2 new, 0 regenerated, 1 updated.");
  });

  it("writes only the ticked concepts and reports what it did, with links that open the notes", async () => {
    const { app, modal, notices, plugin } = await previewFromCommand({ [SOURCE]: LECTURE });
    const open = vi.spyOn(app.workspace, "openLinkText").mockResolvedValue();
    const smoothing = rows(modal)[2];
    smoothing.box.checked = false;
    smoothing.box.dispatchEvent(new Event("change"));
    expect(modal.contentEl.querySelector(".scholia-concept-summary")?.textContent).toBe("2 of 3 selected: 2 new, 0 regenerated, 0 updated.");
    button(modal.contentEl, "Generate").click();
    await waitFor(() => notices.some((n) => typeof n !== "string"));

    expect(plugin.fakes.concepts.calls).toContain("generate Self-attention, Positional encoding");
    expect(app.vault.getFileByPath("Concepts/Self-attention.md")).not.toBeNull();
    expect(app.vault.getFileByPath("Concepts/Positional encoding.md")).not.toBeNull();
    expect(app.vault.getFileByPath("Concepts/Label smoothing.md")).toBeNull();
    const note = await app.vault.read(app.vault.getFileByPath("Concepts/Self-attention.md")!);
    expect(note).toContain("Self-attention relates all positions in one step [[Lectures/Transformers#Attention|Transformers › Attention]].");
    expect(note).toContain("From: [[Lectures/Transformers]]");

    const report = notices.find((n): n is DocumentFragment => typeof n !== "string")!;
    expect(report.textContent).toContain("Concept notes: 2 created, 0 updated, 1 skipped.");
    const links = [...report.querySelectorAll<HTMLAnchorElement>("a.scholia-concept-open")];
    expect(links.map((a) => a.textContent)).toEqual(["Self-attention", "Positional encoding"]);
    links[0].click();
    expect(open).toHaveBeenCalledWith("Concepts/Self-attention.md", "", false);
  });

  it("keeps every word of a note a person wrote and appends the new material as an update", async () => {
    const { app, modal, notices } = await previewFromCommand({ [SOURCE]: LECTURE, "Concepts/Positional encoding.md": PERSON_NOTE });
    button(modal.contentEl, "Generate").click();
    await waitFor(() => notices.some((n) => typeof n !== "string"));
    const text = await app.vault.read(app.vault.getFileByPath("Concepts/Positional encoding.md")!);
    expect(text.startsWith(PERSON_NOTE.trimEnd())).toBe(true);
    expect(text).toMatch(/Update/);
    expect(text).toContain("Sine and cosine signals give the model word order [[Lectures/Transformers#Positional encoding|");
    const report = notices.find((n): n is DocumentFragment => typeof n !== "string")!;
    expect(report.textContent).toContain("2 created, 1 updated, 0 skipped");
  });

  it("writes nothing when the preview is cancelled, and cannot generate with nothing ticked", async () => {
    const { app, modal } = await previewFromCommand({ [SOURCE]: LECTURE });
    button(modal.contentEl, "Select none").click();
    expect(button(modal.contentEl, "Generate").disabled).toBe(true);
    expect(modal.contentEl.querySelector(".scholia-concept-summary")?.textContent).toBe("0 of 3 selected: 0 new, 0 regenerated, 0 updated.");
    button(modal.contentEl, "Cancel").click();
    expect(app.vault.getFiles().filter((f) => f.path.startsWith("Concepts/"))).toEqual([]);
  });

  it("says why when no concepts can be planned, and opens no preview", async () => {
    const world = await loadPlugin({ [SOURCE]: LECTURE });
    world.plugin.fakes.concepts.impl = null;
    const modals = captureModals();
    const notices = captureNotices();
    await openFile(world.app, SOURCE);
    world.commands.get("generate-concept-notes")!.checkCallback!(false);
    await waitFor(() => notices.some((n) => typeof n === "string" && n.startsWith("Could not plan")));
    expect(notices).toContain("Could not plan concept notes: The language model server did not answer.");
    expect(modals).toEqual([]);
  });

  it("asks for a topic and previews one note on it", async () => {
    const world = await loadPlugin({ [SOURCE]: LECTURE });
    const modals = captureModals();
    world.commands.get("generate-topic-note")!.callback!();
    const prompt = modals[0];
    const input = prompt.contentEl.querySelector<HTMLInputElement>("input.scholia-topic-input")!;
    input.value = "  positional   encoding ";
    input.dispatchEvent(new KeyboardEvent("keydown", { key: "Enter", bubbles: true, cancelable: true }));
    await waitFor(() => world.plugin.fakes.concepts.calls.length > 0);
    expect(world.plugin.fakes.concepts.calls[0]).toBe("topic positional encoding");
  });

  it("refuses an empty topic with a message instead of planning", async () => {
    const world = await loadPlugin({ [SOURCE]: LECTURE });
    const modals = captureModals();
    world.commands.get("generate-topic-note")!.callback!();
    button(modals[0].contentEl, "Preview").click();
    expect(modals[0].contentEl.querySelector(".scholia-error")?.textContent).toBe("Name a topic first.");
    expect(world.plugin.fakes.concepts.calls).toEqual([]);
  });

  it("offers the file-menu entry for PDFs, notes and transcripts only", async () => {
    const { app, plugin } = await loadPlugin({ [SOURCE]: LECTURE, "talks/intro.vtt": "WEBVTT\n", "images/plot.png": "x", "data.csv": "a,b" });
    await app.vault.createBinary("papers/a.pdf", new ArrayBuffer(8));
    const titlesFor = (path: string) => {
      const menu = Menu.create2__();
      app.workspace.trigger("file-menu", menu, app.vault.getAbstractFileByPath(path), "file-explorer");
      return menu.menuItems__.map((i) => i.title__);
    };
    expect(titlesFor(SOURCE)).toEqual(["Generate concept notes"]);
    expect(titlesFor("talks/intro.vtt")).toEqual(["Generate concept notes"]);
    expect(titlesFor("papers/a.pdf")).toEqual(["Generate concept notes"]);
    expect(titlesFor("images/plot.png")).toEqual([]);
    expect(titlesFor("data.csv")).toEqual([]);
    expect(titlesFor("Lectures")).toEqual([]);

    // Excluded folders are not indexable either.
    await plugin.updateSettings({ excludeFolders: ["Lectures"] });
    expect(titlesFor(SOURCE)).toEqual([]);
  });

  it("starts the preview from the file menu", async () => {
    const { app, plugin } = await loadPlugin({ [SOURCE]: LECTURE });
    const modals = captureModals();
    const menu = Menu.create2__();
    app.workspace.trigger("file-menu", menu, app.vault.getAbstractFileByPath(SOURCE), "file-explorer");
    const item = menu.menuItems__[0];
    (item.onClick__ as (e: MouseEvent) => void)(new MouseEvent("click"));
    await waitFor(() => modals.length > 0);
    expect(plugin.fakes.concepts.calls[0]).toBe(`plan ${SOURCE}`);
    expect(rows(modals[0]).length).toBe(3);
    expect(app.vault.getFileByPath(SOURCE)).toBeInstanceOf(TFile);
  });
});
