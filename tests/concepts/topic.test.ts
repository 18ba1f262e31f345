// A concept note on a topic: evidence from the whole vault through the injected retriever, one note
// citing every source it draws on.
import { describe, expect, it } from "vitest";
import { generateTopicNote, type Retrieve } from "../../src/core/concepts";
import { ConceptError } from "../../src/core/concepts/types";
import type { Chunk, SearchResult } from "../../src/core/types";
import { citedPages, conceptReply, danglingLinks, FIXED_NOW, MemoryVault, paperDocument, ScriptedLlm } from "./helpers";

const paper = paperDocument("papers/dropout-study.pdf");
const lecture: Chunk = {
  id: "Talks/regularization.md#0",
  path: "Talks/regularization.md",
  kind: "transcript",
  text: "[00:12:40] Dropout is the trick where you switch off random neurons while training so the network cannot rely on any single one.",
  start: 760,
  headings: ["Regularization"],
  title: "Regularization lecture",
};
const notes: Chunk = {
  id: "Notes/Reading log.md#3",
  path: "Notes/Reading log.md",
  kind: "markdown",
  text: "Dropout works as a form of model averaging over many thinned networks, which is why it reduces overfitting.",
  headings: ["March"],
  title: "Reading log",
};

function fakeRetrieve(chunks: Chunk[]): Retrieve & { queries: Array<[string, number]> } {
  const queries: Array<[string, number]> = [];
  const fn = async (query: string, { k }: { k: number }): Promise<SearchResult> => {
    queries.push([query, k]);
    return { query, confidence: chunks.length ? 0.8 : 0, passages: chunks.slice(0, k).map((chunk, i) => ({ chunk, score: 1 - i / 10, rank: i + 1 })) };
  };
  return Object.assign(fn, { queries });
}

function vault() {
  return new MemoryVault({
    "papers/dropout-study.pdf": "(pdf)",
    "Talks/regularization.md": "# Regularization\n\n[00:12:40] Dropout is the trick...\n",
    "Notes/Reading log.md": "## March\nDropout works as...\n",
  });
}

const evidence = [paper.chunks[1], lecture, notes, paper.chunks[3]];

describe("a concept note on a topic", () => {
  it("gathers passages from the whole vault and cites several sources in one note", async () => {
    const v = vault();
    const retrieve = fakeRetrieve(evidence);
    const llm = new ScriptedLlm([
      conceptReply([
        {
          title: "Dropout (regularization)",
          claims: [
            { text: "Dropout randomly removes units during training.", cue: "randomly dropping units" },
            { text: "A lecture describes it as switching off random neurons.", cue: "switch off random neurons" },
            { text: "It acts as model averaging over thinned networks.", cue: "model averaging" },
            { text: "It reduced test error in experiments.", cue: "reduced the test error" },
          ],
        },
      ]),
    ]);
    const result = await generateTopicNote({ topic: "dropout", retrieve, llm, vault: v, existingNotes: [], outFolder: "Concepts", now: FIXED_NOW });
    expect(retrieve.queries).toEqual([["dropout", 12]]);
    expect(result.plan.origin).toEqual({ kind: "topic", topic: "dropout" });
    expect(result.notes).toEqual([expect.objectContaining({ path: "Concepts/Dropout.md", title: "Dropout", action: "created" })]);
    const note = v.files.get("Concepts/Dropout.md")!;
    expect(note).toContain('aliases:\n  - "Dropout (regularization)"');
    expect(note).toContain('sources:\n  - "[[papers/dropout-study.pdf]]"\n  - "[[Talks/regularization]]"\n  - "[[Notes/Reading log]]"');
    expect(note).toContain("From: [[papers/dropout-study.pdf]], [[Talks/regularization]], [[Notes/Reading log]]");
    expect(note).toContain("switching off random neurons [[Talks/regularization#Regularization|00:12:40]].");
    expect(note).toContain("model averaging over thinned networks [[Notes/Reading log#March|Reading log › March]].");
    expect(citedPages(note).every((p) => p >= 1 && p <= paper.pageCount!)).toBe(true);
    expect(danglingLinks(note, v.files.keys())).toEqual([]);
  });

  it("offline, quotes the passages that mention the topic, grouped by source", async () => {
    const v = vault();
    const result = await generateTopicNote({ topic: "dropout", retrieve: fakeRetrieve(evidence), vault: v, existingNotes: [], outFolder: "Concepts", now: FIXED_NOW });
    expect(result.plan.mode).toBe("extractive");
    const note = v.files.get(result.notes[0].path)!;
    expect(note).toContain("> [!quote] Extracted from the source without an LLM");
    expect(note).toMatch(/\[\[papers\/dropout-study\.pdf#page=\d\|p\. \d\]\]/);
    expect(note).toContain("[[Talks/regularization#Regularization|00:12:40]]");
    expect(note).toContain("## Reading log");
    expect(note).not.toContain("Hinton"); // the reference list is not quoted
    expect(danglingLinks(note, v.files.keys())).toEqual([]);
  });

  it("says so, writing nothing, when the vault has nothing on the topic", async () => {
    const v = vault();
    const before = v.snapshot();
    await expect(
      generateTopicNote({ topic: "quantum gravity", retrieve: fakeRetrieve([]), vault: v, existingNotes: [], outFolder: "Concepts", now: FIXED_NOW }),
    ).rejects.toThrow(new ConceptError('The vault has no passages about "quantum gravity" to write a note from.'));
    expect(v.snapshot()).toEqual(before);
  });

  it("is idempotent too", async () => {
    const v = vault();
    const opts = { topic: "dropout", retrieve: fakeRetrieve(evidence), vault: v, existingNotes: [], outFolder: "Concepts", now: FIXED_NOW };
    await generateTopicNote(opts);
    const before = v.snapshot();
    const again = await generateTopicNote(opts);
    expect(again.notes[0]).toMatchObject({ action: "skipped", reason: "unchanged" });
    expect(v.snapshot()).toEqual(before);
  });
});

describe("evidence for a topic note", () => {
  it("never comes from the concept folder itself, so a note is not its own source", async () => {
    const v = vault();
    const ownNote: Chunk = { id: "Concepts/Dropout.md#0", path: "Concepts/Dropout.md", kind: "markdown", text: "Dropout randomly removes units during training.", headings: ["Dropout"], title: "Dropout" };
    const filters: unknown[] = [];
    // A retriever that ignores filters: the topic pipeline must still drop the folder's passages.
    const retrieve: Retrieve = async (query, o) => {
      filters.push(o.filter);
      return { query, confidence: 0.8, passages: [ownNote, ...evidence].map((chunk, i) => ({ chunk, score: 1 - i / 10, rank: i + 1 })) };
    };
    const result = await generateTopicNote({ topic: "dropout", retrieve, vault: v, existingNotes: [], outFolder: "Concepts", now: FIXED_NOW });
    expect(filters).toEqual([{ excludeFolders: ["Concepts"] }]);
    const note = v.files.get(result.notes[0].path)!;
    expect(note).not.toContain("[[Concepts/Dropout");
  });
});
