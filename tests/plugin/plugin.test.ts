// @vitest-environment happy-dom
// The plugin as Obsidian loads it: its commands, its settings (the API key kept out of data.json),
// background indexing after the layout is ready, and the status bar.
import { afterEach, describe, expect, it, vi } from "vitest";
import type { App as AppOriginal, PluginManifest } from "obsidian";
import ScholiaPlugin from "../../src/plugin/scholia-plugin";
import { ScholiaSettingTab } from "../../src/plugin/settings-tab";
import type { ScholiaServices } from "../../src/plugin/services";
import { DEFAULT_CHUNK_TOKENS } from "../../src/core/util/tokens";
import { fakeServices } from "./fake-services";
import { makeApp, waitFor } from "./harness";

const manifest = { id: "scholia", name: "Scholia", version: "0.1.0", minAppVersion: "1.8.7", description: "", author: "" } as PluginManifest;

class TestPlugin extends ScholiaPlugin {
  fakes = fakeServices();
  protected override createServices(): ScholiaServices {
    return this.fakes;
  }
}

async function loadPlugin(files: Record<string, string> = {}) {
  const app = makeApp(files);
  const plugin = new TestPlugin(app as unknown as AppOriginal, manifest);
  await plugin.onload();
  return { app, plugin, mock: plugin as unknown as { commands__: Map<string, { id: string; name: string; hotkeys?: unknown }>; data__: unknown; settingTabs__: ScholiaSettingTab[]; statusBarItems__: HTMLElement[] } };
}

afterEach(() => vi.useRealTimers());

describe("the plugin", () => {
  it("registers every command without default hotkeys, in sentence case, without the plugin name", async () => {
    const { mock } = await loadPlugin();
    const ids = [...mock.commands__.keys()].sort();
    expect(ids).toEqual(
      ["ask-about-current-file", "ask-about-selection", "generate-concept-notes", "generate-topic-note", "index-current-file", "index-vault", "open-sidebar", "pause-indexing", "rebuild-index", "resume-indexing", "show-index-report"].sort(),
    );
    for (const c of mock.commands__.values()) {
      expect(c.hotkeys).toBeUndefined();
      expect(c.name).not.toMatch(/scholia/i);
      expect(c.name[0]).toBe(c.name[0].toUpperCase());
      expect(c.name.slice(1)).toBe(c.name.slice(1).toLowerCase());
    }
  });

  it("runs the index commands against the index service", async () => {
    const { plugin, mock } = await loadPlugin();
    (mock.commands__.get("index-vault") as unknown as { callback(): void }).callback();
    (mock.commands__.get("rebuild-index") as unknown as { callback(): void }).callback();
    await waitFor(() => plugin.fakes.index.log.includes("rebuild"));
    expect(plugin.fakes.index.log).toEqual(["indexVault", "rebuild"]);
    const pause = mock.commands__.get("pause-indexing") as unknown as { checkCallback(checking: boolean): boolean };
    expect(pause.checkCallback(true)).toBe(false);
    plugin.fakes.index.set({ phase: "indexing", filesDone: 12, filesTotal: 340 });
    expect(pause.checkCallback(true)).toBe(true);
    pause.checkCallback(false);
    expect(plugin.fakes.index.log).toContain("pause");
  });

  it("keeps the API key in secret storage, not in data.json, and persists the other settings", async () => {
    const { app, plugin, mock } = await loadPlugin();
    await plugin.updateSettings({ llmPreset: "openai", llmBaseUrl: "https://api.openai.com/v1", llmModel: "gpt-4o-mini" });
    plugin.apiKey.set("sk-very-secret");
    await plugin.updateSettings({});
    expect(plugin.apiKey.secure).toBe(true);
    expect(app.secretStorage.getSecret("scholia-llm-api-key")).toBe("sk-very-secret");
    const saved = JSON.stringify(mock.data__);
    expect(saved).not.toContain("sk-very-secret");
    expect(saved).toContain("gpt-4o-mini");

    const reloaded = new TestPlugin(app as unknown as AppOriginal, manifest);
    (reloaded as unknown as { data__: unknown }).data__ = mock.data__;
    await reloaded.loadSettings();
    expect(reloaded.settings.llmModel).toBe("gpt-4o-mini");
  });

  it("explains every setting in the settings tab and shows the current values", async () => {
    const { plugin, mock } = await loadPlugin();
    await plugin.updateSettings({ llmPreset: "ollama", llmBaseUrl: "http://127.0.0.1:11434/v1", conceptFolder: "Notes/Concepts" });
    const tab = mock.settingTabs__[0];
    tab.display();
    const text = tab.containerEl.textContent ?? "";
    for (const name of ["Embedding model", "Local model", "Language model", "Base URL", "Model", "API key", "Answer style", "Folders to include", "Folders to exclude", "Index location", "Passage size", "Concept note folder"]) {
      expect(text).toContain(name);
    }
    expect(text).toContain("secret storage");
    const values = [...tab.containerEl.querySelectorAll("input")].map((i) => i.value);
    expect(values).toContain("Notes/Concepts");
    expect(values).toContain("http://127.0.0.1:11434/v1");
  });

  it("indexes changed files in the background once the layout is ready, debounced", async () => {
    const { app, plugin } = await loadPlugin({ "a.md": "# A", "b.md": "# B" });
    await app.vault.modify(app.vault.getFileByPath("a.md")!, "# A changed");
    expect(plugin.fakes.index.log).toEqual([]);
    app.workspace.setLayoutReady__();
    vi.useFakeTimers();
    await app.vault.modify(app.vault.getFileByPath("a.md")!, "# A again");
    await app.vault.modify(app.vault.getFileByPath("a.md")!, "# A once more");
    await app.vault.rename(app.vault.getFileByPath("b.md")!, "c.md");
    await app.vault.create("image.png", "not indexable");
    expect(plugin.fakes.index.log).toEqual([]);
    await vi.advanceTimersByTimeAsync(2500);
    expect(plugin.fakes.index.log).toEqual(["rename b.md -> c.md", "index a.md"]);
  });

  it("shows indexing progress in the status bar and pauses on click", async () => {
    const { app, plugin, mock } = await loadPlugin();
    app.workspace.setLayoutReady__();
    const bar = mock.statusBarItems__[0];
    plugin.fakes.index.set({ phase: "indexing", filesDone: 12, filesTotal: 340 });
    expect(bar.textContent).toBe("Scholia: 12 / 340 files");
    bar.click();
    expect(plugin.fakes.index.log).toContain("pause");
    bar.click();
    expect(plugin.fakes.index.log).toContain("resume");
  });

  it("describes the same settings declaratively for Obsidian 1.13's settings search", async () => {
    const { plugin, mock } = await loadPlugin();
    const tab = mock.settingTabs__[0];
    const groups = tab.getSettingDefinitions() as Array<{ heading: string; items: Array<{ name: string; desc: string; control?: { key: string; validate?: (v: unknown) => unknown }; visible?: () => boolean }> }>;
    expect(groups.map((g) => g.heading)).toEqual(["Embeddings", "Answers", "Index", "Concept notes"]);
    const rows = groups.flatMap((g) => g.items);
    for (const r of rows) expect(r.desc.length).toBeGreaterThan(20);
    const byName = (name: string) => rows.find((r) => r.name === name)!;
    // Rows for other choices are hidden, not missing, so search finds them.
    expect(byName("Base URL").visible?.()).toBe(false);
    expect(byName("Embeddings base URL").visible?.()).toBe(false);

    await tab.setControlValue("llmPreset", "ollama");
    expect(plugin.settings.llmBaseUrl).toBe("http://127.0.0.1:11434/v1");
    expect(byName("Base URL").visible?.()).toBe(true);
    expect(tab.getControlValue("llmBaseUrl")).toBe("http://127.0.0.1:11434/v1");

    await tab.setControlValue("includeFolders", "Papers, Lectures/\n");
    expect(plugin.settings.includeFolders).toEqual(["Papers", "Lectures"]);
    expect(tab.getControlValue("includeFolders")).toBe("Papers\nLectures");

    expect(byName("Passage size").control?.validate?.(10)).toBe("Use a number from 64 to 512.");
    await tab.setControlValue("chunkTokens", 10);
    expect(plugin.settings.chunkTokens).toBe(DEFAULT_CHUNK_TOKENS);
    await tab.setControlValue("chunkTokens", 128);
    expect(plugin.settings.chunkTokens).toBe(128);

    await tab.setControlValue("conceptFolder", "  ");
    expect(plugin.settings.conceptFolder).toBe("Concepts");
    await tab.setControlValue("conceptFolder", " Ideas ");
    expect(plugin.settings.conceptFolder).toBe("Ideas");

    expect(tab.getControlValue("localModelChoice")).toBe(plugin.settings.localModel);
    await tab.setControlValue("localModelChoice", "__other__");
    expect(byName("Model ID").visible?.()).toBe(true);
    await tab.setControlValue("localModel", " Xenova/multilingual-e5-small ");
    expect(plugin.settings.localModel).toBe("Xenova/multilingual-e5-small");
  });
});
