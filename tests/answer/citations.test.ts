import { describe, expect, it } from "vitest";
import type { Chunk } from "../../src/core/types";
import { NO_SOURCE_MARK, resolveCitations } from "../../src/core/answer/citations";
import { createLinkBuilder } from "../../src/core/answer/links";
import { byId } from "./fixtures";

const P5 = byId("papers/lindqvist2021_sparse_gating.pdf#4");
const P7 = byId("papers/lindqvist2021_sparse_gating.pdf#7");
const T = byId("lectures/Attention explained.md#3");
const passages = new Map<string, Chunk>([
  ["S1", P7],
  ["S2", P5],
  ["S3", T],
]);
const links = createLinkBuilder();
const resolve = (text: string) => resolveCitations(text, { passages, links, stripNumericMarkers: true, stripModelLinks: true });

describe("citations resolved by code", () => {
  it("maps ids to their pages, renumbered 1..n in order of first use", () => {
    const r = resolve("Training took about four days on eight A100 GPUs [S2]. Eight experts add 1.2 points [S1][S2].");
    expect(r.citations.map((c) => [c.n, c.id, c.page])).toEqual([
      [1, "S2", 5],
      [2, "S1", 7],
    ]);
    expect(r.answer).toContain(
      "Training took about four days on eight A100 GPUs ([[papers/lindqvist2021_sparse_gating.pdf#page=5&selection=3,0,41,17|1]]).",
    );
    expect(r.answer).toContain("Eight experts add 1.2 points ([[papers/lindqvist2021_sparse_gating.pdf#page=5&selection=3,0,41,17|1]], [[papers/lindqvist2021_sparse_gating.pdf#page=7&selection=0,5,30,2|2]]).");
    expect(r.dropped).toEqual([]);
    expect(r.uncited).toBe(0);
  });

  it("removes invented ids and reports them; a claim left with none is marked", () => {
    const r = resolve("The model was trained on TPUs [S9]. The gating layer is small [S1].");
    expect(r.dropped).toEqual(["S9"]);
    expect(r.answer).not.toContain("S9");
    expect(r.answer).toMatch(new RegExp(`^The model was trained on TPUs ${escape(NO_SOURCE_MARK)}\\.`));
    expect(r.uncited).toBe(1);
    expect(r.citations).toHaveLength(1);
  });

  it("drops numeric reference markers copied from papers and links the model wrote", () => {
    const r = resolve("Label smoothing was used [12] [S2]. See [[secret.pdf#page=1|here]] and [this](https://evil.example/x) for more about it [S2].");
    expect(r.dropped).toEqual(["12"]);
    const body = r.answer.split("**Sources**")[0];
    expect(body).not.toContain("[12]");
    // The quote in the Sources list is the document's own text and keeps its marker.
    expect(r.citations[0].quote).toContain("regularizers [12]");
    expect(r.answer).not.toContain("evil.example");
    expect(r.answer).not.toContain("secret.pdf");
    expect(r.answer).toContain("See here and this for more about it");
  });

  it("understands the id variants models produce", () => {
    const r = resolve("Attention uses a softmax over dot products [S3, S1]. Also [Source 2]. And 【S2】 again.");
    expect(r.citations.map((c) => c.id)).toEqual(["S3", "S1", "S2"]);
    expect(resolve("Ranges work too [S1-S3].").citations.map((c) => c.id)).toEqual(["S1", "S2", "S3"]);
  });

  it("moves a citation written after the period onto its sentence", () => {
    const r = resolve("The gating layer adds under 2% parameters. [S1] Routing matters.");
    expect(r.answer.startsWith("The gating layer adds under 2% parameters ([[")).toBe(true);
    expect(r.uncited).toBe(0); // "Routing matters." is too short to be a claim
  });

  it("does not mark headings, questions, lead-ins or code", () => {
    const r = resolve("## Summary\nWhat did they find?\nThe findings are as follows:\n```\nno citation here at all, fine\n```\n- Eight experts beat the dense baseline [S1].");
    expect(r.uncited).toBe(0);
  });

  it("ends with a Sources list: link and supporting quote; transcripts add the video", () => {
    const r = resolve("Weights come from a softmax over dot products of queries and keys [S3].");
    const sources = r.answer.slice(r.answer.indexOf("**Sources**"));
    expect(sources).toBe(
      "**Sources**\n1. Attention explained | Lecture 4 [[lectures/Attention explained#Attention explained Lecture 4|00:12:34]] · [00:12:34 ▶](https://www.youtube.com/watch?v=abcdefghijk&t=754) — “The weights come from a softmax over dot products between queries and keys, scaled by the square root of the key dimension.”",
    );
    expect(r.citations[0]).toMatchObject({ n: 1, path: "lectures/Attention explained.md", start: 754, videoUrl: "https://www.youtube.com/watch?v=abcdefghijk&t=754" });
  });

  it("quotes the passage sentence that supports the claim", () => {
    const r = resolve("The optimizer was AdamW with weight decay 0.05 [S2].");
    expect(r.citations[0].quote).toBe("We used the AdamW optimizer with a learning rate of 0.001, a weight decay of 0.05 and a batch size of 1024.");
  });

  it("leaves a labelled tail alone", () => {
    const r = resolveCitations("Nothing here [S1].\n\n**General knowledge:** Cats sleep a lot.", { passages, links, uncheckedTail: "**General knowledge:**" });
    expect(r.answer).toContain("**General knowledge:** Cats sleep a lot.");
    expect(r.uncited).toBe(0);
  });
});

function escape(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}
