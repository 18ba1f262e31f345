import { describe, expect, it } from "vitest";
import { selectPassages } from "../../src/core/concepts/passages";
import { checkProposal, cleanClaimText, extractJson, resolveConcepts } from "../../src/core/concepts/proposal";
import type { Chunk } from "../../src/core/types";

const chunks: Chunk[] = [1, 2, 3].map((page) => ({ id: `a.pdf#${page}`, path: "a.pdf", kind: "pdf", text: `Text on page ${page}.`, page }));
const table = selectPassages(chunks, 10_000, 3);

const concept = (over: Record<string, unknown> = {}) => ({
  title: "T",
  summary: { text: "S.", cites: ["P1"] },
  sections: [{ heading: "H", claims: [{ text: "C.", cites: ["P2"] }] }],
  ...over,
});

describe("the model's concept JSON", () => {
  it("is found inside code fences or surrounding prose", () => {
    expect(extractJson('Here:\n```json\n{"a": 1}\n```\nDone.')).toEqual({ a: 1 });
    expect(extractJson('Sure {"a": {"b": 2}} ok')).toEqual({ a: { b: 2 } });
    expect(() => extractJson("no object")).toThrow(/no JSON object/);
  });

  it("is rejected with an error that names the first problem", () => {
    const err = (v: unknown) => {
      const r = checkProposal(typeof v === "string" ? v : JSON.stringify(v), table, 5);
      return r.ok ? "ok" : r.error;
    };
    expect(err("{oops")).toMatch(/^The reply is not valid JSON/);
    expect(err({ notes: [] })).toBe('The JSON must be an object with a "concepts" array.');
    expect(err({ concepts: [] })).toBe('The "concepts" array is empty.');
    expect(err({ concepts: [concept({ title: "" })] })).toBe("concepts[0].title must be a non-empty string.");
    expect(err({ concepts: [concept({ aliases: "x" })] })).toBe("concepts[0].aliases must be an array of strings.");
    expect(err({ concepts: [concept({ sections: [] })] })).toBe("concepts[0].sections must be a non-empty array.");
    expect(err({ concepts: [concept({ sections: [{ heading: "H", claims: [{ cites: ["P1"] }] }] })] })).toBe(
      'concepts[0].sections[0].claims[0] must be {"text": string, "cites": [ids]}.',
    );
    expect(err({ concepts: [concept({ summary: { text: "S", cites: ["P9"] }, sections: [{ heading: "H", claims: [{ text: "C", cites: ["12"] }] }] })] })).toMatch(
      /No claim cites a passage id/,
    );
    expect(err({ concepts: [concept()] })).toBe("ok");
  });

  it("keeps at most the number of concepts asked for", () => {
    const r = checkProposal(JSON.stringify({ concepts: [concept({ title: "A" }), concept({ title: "B" }), concept({ title: "C" })] }), table, 2);
    expect(r.ok && r.concepts.map((c) => c.title)).toEqual(["A", "B"]);
  });
});

describe("claims", () => {
  it("lose the model's own links, markup and inline ids, which become citations", () => {
    expect(cleanClaimText("Uses [[Adam]] and [[SGD|plain SGD]] <b>now</b> [P2, P3].")).toEqual({ text: "Uses Adam and plain SGD now.", inlineIds: ["P2", "P3"] });
    expect(cleanClaimText("See [the paper](http://x.y) (P1)").text).toBe("See the paper");
  });

  it("map ids to their passages and drop what cannot be cited", () => {
    const warnings: string[] = [];
    const r = checkProposal(
      JSON.stringify({
        concepts: [
          concept({
            title: "Dup",
            sections: [{ heading: "", claims: [{ text: "Good.", cites: ["P3", 2, "P2"] }, { text: "Bad.", cites: ["P7", 1] }, "Bare string without id."] }],
          }),
          concept({ title: "dup" }),
        ],
      }),
      table,
      5,
    );
    if (!r.ok) throw new Error(r.error);
    const [d, ...rest] = resolveConcepts(r.concepts, table, warnings);
    expect(rest).toEqual([]);
    expect(d.sections).toEqual([{ heading: "Overview", claims: [{ text: "Good.", refs: [chunks[2], chunks[1]] }] }]);
    expect(d.summaryRefs).toEqual([chunks[0]]);
    expect(warnings).toEqual([
      'The model proposed "dup" twice; the second was ignored.',
      "2 claims without a valid passage id were dropped.",
      "The model cited passage ids that do not exist: 2, P7, 1.",
    ]);
  });
});

describe("passage selection", () => {
  it("skips chunks on pages the PDF does not have", () => {
    const t = selectPassages([...chunks, { ...chunks[0], id: "a.pdf#9", page: 9 }], 10_000, 3);
    expect(t.entries.map((e) => e.chunk.page)).toEqual([1, 2, 3]);
  });

  it("samples the whole source evenly when it exceeds the budget, dropping reference lists first", () => {
    const many: Chunk[] = Array.from({ length: 100 }, (_, i) => ({
      id: `b#${i}`,
      path: "b.pdf",
      kind: "pdf",
      page: i + 1,
      text: i === 99 ? "References [1] A. Smith. Title. In Proceedings of X, pp. 1-9, 2001. [2] B. Jones et al. arXiv 2019." : `Paragraph ${i} ${"word ".repeat(40)}`,
    }));
    const t = selectPassages(many, 1000, 100);
    const pages = t.entries.map((e) => e.chunk.page!);
    expect(pages.length).toBeGreaterThan(5);
    expect(pages[0]).toBe(1);
    expect(Math.max(...pages)).toBeGreaterThan(80);
    expect(pages).not.toContain(100);
    expect(t.left).toBe(100 - pages.length);
  });
});
