// @vitest-environment happy-dom
// Conversations survive a reload of the plugin: they are kept in data.json (bounded, never with keys),
// the sidebar shows the current one again with working citations, "New chat" starts fresh, and an
// earlier conversation can be picked up again.
import { afterEach, describe, expect, it, vi } from "vitest";
import type { App as AppOriginal, PluginManifest, WorkspaceLeaf as LeafOriginal } from "obsidian";
import { WorkspaceLeaf } from "obsidian-test-mocks/obsidian";
import type { ChatView } from "../../src/plugin/chat-view";
import { ConversationStore, MAX_CONVERSATIONS, MAX_TURNS_PER_CONVERSATION, parseStoredChat, type StoredChat } from "../../src/plugin/conversation-store";
import ScholiaPlugin from "../../src/plugin/scholia-plugin";
import type { ScholiaServices } from "../../src/plugin/services";
import { fakeServices, scriptedResult } from "./fake-services";
import { button, makeApp, typeAndPressEnter, waitFor } from "./harness";

const manifest = { id: "scholia", name: "Scholia", version: "0.1.0", minAppVersion: "1.8.7", description: "", author: "" } as PluginManifest;

class TestPlugin extends ScholiaPlugin {
  fakes = fakeServices();
  protected override createServices(): ScholiaServices {
    return this.fakes;
  }
}

type Mock = { data__: unknown; views__: Map<string, (leaf: LeafOriginal) => ChatView> };

async function startPlugin(app: ReturnType<typeof makeApp>, data: unknown) {
  const plugin = new TestPlugin(app as unknown as AppOriginal, manifest);
  (plugin as unknown as Mock).data__ = data;
  await plugin.onload();
  const leaf = WorkspaceLeaf.create2__(app);
  const view = (plugin as unknown as Mock).views__.get("scholia-chat")!(leaf as unknown as LeafOriginal);
  document.body.appendChild(view.containerEl);
  await view.onOpen();
  return { plugin, root: view.containerEl, data: () => (plugin as unknown as Mock).data__ as { chat: StoredChat } & Record<string, unknown> };
}

async function ask(root: HTMLElement, question: string, calls: () => number): Promise<void> {
  const before = calls();
  typeAndPressEnter(root, question);
  await waitFor(() => calls() === before + 1);
  await waitFor(() => root.querySelectorAll(".scholia-sources").length > 0 && root.querySelector(".scholia-send")?.textContent === "Send");
}

afterEach(() => {
  document.body.empty();
  vi.restoreAllMocks();
});

describe("conversation history", () => {
  it("shows the conversation again after a reload, with its citations, and continues it", async () => {
    const app = makeApp();
    const first = await startPlugin(app, {});
    first.plugin.apiKey.set("sk-never-in-history");
    await ask(first.root, "How long did training take?", () => first.plugin.fakes.ask.calls.length);
    const saved = first.data();
    expect(saved.chat.conversations).toHaveLength(1);
    expect(saved.chat.conversations[0].turns[0].question).toBe("How long did training take?");
    expect(JSON.stringify(saved)).not.toContain("sk-never-in-history");

    document.body.empty();
    const second = await startPlugin(app, JSON.parse(JSON.stringify(saved)));
    expect(second.root.querySelector(".scholia-question")?.textContent).toBe("How long did training take?");
    expect(second.root.querySelector(".scholia-answer-body strong")?.textContent).toBe("3.5 days");
    const open = vi.spyOn(app.workspace, "openLinkText").mockResolvedValue();
    second.root.querySelector<HTMLAnchorElement>(".scholia-citation")!.click();
    expect(open).toHaveBeenCalledWith("papers/attention.pdf#page=7&selection=3,0,5,12", "", false);

    await ask(second.root, "And on how many GPUs?", () => second.plugin.fakes.ask.calls.length);
    expect(second.plugin.fakes.ask.calls[0].options.history.map((t) => t.question)).toEqual(["How long did training take?"]);
    expect(second.data().chat.conversations[0].turns).toHaveLength(2);
  });

  it("starts fresh after New chat, also after a reload, and can go back to the earlier conversation", async () => {
    const app = makeApp();
    const first = await startPlugin(app, {});
    await ask(first.root, "First question", () => first.plugin.fakes.ask.calls.length);
    button(first.root, "New chat").click();
    await waitFor(() => first.data().chat.current === null);
    expect(first.root.querySelectorAll(".scholia-turn")).toHaveLength(0);

    document.body.empty();
    const second = await startPlugin(app, JSON.parse(JSON.stringify(first.data())));
    expect(second.root.querySelectorAll(".scholia-turn")).toHaveLength(0);
    await ask(second.root, "Second question", () => second.plugin.fakes.ask.calls.length);
    expect(second.plugin.fakes.ask.calls[0].options.history).toEqual([]);

    const history = second.root.querySelector<HTMLSelectElement>("select.scholia-history")!;
    const options = [...history.options].map((o) => o.textContent ?? "");
    expect(options[0]).toBe("Earlier conversations");
    expect(options[1]).toMatch(/^Second question/);
    expect(options[2]).toMatch(/^First question/);
    history.value = history.options[2].value;
    history.dispatchEvent(new Event("change"));
    await waitFor(() => second.root.querySelector(".scholia-question")?.textContent === "First question");
    expect(second.root.querySelectorAll(".scholia-turn")).toHaveLength(1);
    await ask(second.root, "Follow-up", () => second.plugin.fakes.ask.calls.length);
    expect(second.plugin.fakes.ask.calls[1].options.history.map((t) => t.question)).toEqual(["First question"]);
  });

  it(`keeps the last ${MAX_CONVERSATIONS} conversations and the last ${MAX_TURNS_PER_CONVERSATION} turns of each`, async () => {
    let clock = 1_000;
    let saved: StoredChat = { current: null, conversations: [] };
    const store = new ConversationStore(saved, async () => {
      saved = JSON.parse(JSON.stringify(store.toJSON())) as StoredChat;
    }, () => clock++);
    for (let c = 0; c < MAX_CONVERSATIONS + 5; c++) {
      await store.recordTurn({ question: `conversation ${c}`, answer: "a", result: scriptedResult(`conversation ${c}`) });
      await store.startNew();
    }
    for (let t = 0; t < MAX_TURNS_PER_CONVERSATION + 3; t++) await store.recordTurn({ question: `turn ${t}`, answer: "a" });
    expect(saved.conversations).toHaveLength(MAX_CONVERSATIONS);
    expect(saved.conversations.map((c) => c.turns[0].question)).not.toContain("conversation 5");
    expect(saved.conversations[0].turns[0].question).toBe("conversation 6");
    const last = saved.conversations[saved.conversations.length - 1];
    expect(last.turns).toHaveLength(MAX_TURNS_PER_CONVERSATION);
    expect(last.turns[0].question).toBe("turn 3");
  });

  it("reads back hand-edited or damaged history without failing", () => {
    expect(parseStoredChat(undefined)).toEqual({ current: null, conversations: [] });
    expect(parseStoredChat({ conversations: "nope" })).toEqual({ current: null, conversations: [] });
    const parsed = parseStoredChat({
      current: "gone",
      conversations: [
        { id: "a", started: 1, updated: 2, turns: [{ question: "q", answer: "x", result: { citations: [{ n: 1 }, { n: 1, path: "a.md", link: "[[a]]", quote: "t", apiKey: "sk" }] } }, { question: 3 }] },
        { id: "b", turns: [] },
        null,
      ],
    });
    expect(parsed.current).toBeNull();
    expect(parsed.conversations).toHaveLength(1);
    expect(parsed.conversations[0].turns).toHaveLength(1);
    expect(parsed.conversations[0].turns[0].result?.citations).toEqual([{ n: 1, path: "a.md", link: "[[a]]", quote: "t" }]);
  });

  it("keeps the settings intact when the history is saved, and the history when settings change", async () => {
    const app = makeApp();
    const first = await startPlugin(app, { conceptFolder: "Ideas" });
    await ask(first.root, "q", () => first.plugin.fakes.ask.calls.length);
    expect(first.data().conceptFolder).toBe("Ideas");
    await first.plugin.updateSettings({ chunkTokens: 128 });
    expect(first.data().chat.conversations).toHaveLength(1);
    expect(first.data().chunkTokens).toBe(128);
  });
});
