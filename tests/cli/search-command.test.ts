// `scholia search <vault> "<query>" [--k N] [--mode hybrid|keyword|vector] [--json]`: ranked passages
// from an existing index, each with the wiki-link that opens its place, and a clear refusal when the
// index was built with another model.
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildStaticModel, staticModelAvailable, STATIC_MODEL_SKIP_MESSAGE } from "../fixtures/static-model";
import { buildCli, removeTemporaryFiles, describeRun, expectOneLineFailure, parseJson, runCli, tempDir } from "./helpers/cli";
import { changes, danglingLinks, DEMO_PDF_PATH, DEMO_TRANSCRIPT, indexDirOf, makeDemoVault, snapshot, vaultFiles } from "./helpers/vault-files";

interface PassageJson {
  rank: number;
  score: number;
  path: string;
  kind: "pdf" | "markdown" | "transcript";
  page?: number;
  start?: number;
  end?: number;
  headings?: string[];
  text: string;
  link: string;
}
interface SearchJson {
  query: string;
  passages: PassageJson[];
}

const HAVE_MODEL = staticModelAvailable();
if (!HAVE_MODEL) console.warn(STATIC_MODEL_SKIP_MESSAGE);
const PASSAGE_KEYS = ["rank", "score", "path", "kind", "page", "start", "end", "headings", "text", "link"];

let cli: string;
let vault: string; // indexed with model A (or keyword only without the model package)
let keywordVault: string;
let modelA: string;
let modelB: string;

beforeAll(async () => {
  cli = await buildCli("search");
  vault = await makeDemoVault(tempDir("search"));
  keywordVault = await makeDemoVault(tempDir("search-keyword"));
  if (HAVE_MODEL) {
    const models = tempDir("search-models");
    modelA = await buildStaticModel(path.join(models, "glove-a"));
    modelB = await buildStaticModel(path.join(models, "glove-b"), { words: 3000 });
  }
  const built = await Promise.all([
    runCli(cli, ["index", vault, "--json", ...(HAVE_MODEL ? ["--model", modelA] : ["--no-embeddings"])]),
    runCli(cli, ["index", keywordVault, "--json", "--no-embeddings"]),
  ]);
  for (const run of built) expect(run.code, describeRun(run)).toBe(0);
});
afterAll(removeTemporaryFiles);

async function search(query: string, ...flags: string[]): Promise<SearchJson> {
  const run = await runCli(cli, ["search", vault, query, "--json", ...flags]);
  expect(run.code, describeRun(run)).toBe(0);
  return parseJson<SearchJson>(run);
}

describe("search --json", () => {
  it("has the contract's shape: the query and ranked passages", async () => {
    const result = await search("How long did training take on the laptop?");
    expect(result.query).toBe("How long did training take on the laptop?");
    expect(result.passages.length).toBeGreaterThan(0);
    for (const p of result.passages) {
      expect(Object.keys(p).filter((k) => !PASSAGE_KEYS.includes(k))).toEqual([]);
      expect(typeof p.score).toBe("number");
      expect(Number.isFinite(p.score)).toBe(true);
      expect(["pdf", "markdown", "transcript"]).toContain(p.kind);
      expect(p.text.length).toBeGreaterThan(0);
      expect(p.link).toMatch(/^\[\[.+\]\]$/);
      expect(p.path).not.toMatch(/\\|^\//);
    }
  });

  it("ranks from 1 with scores that never increase", async () => {
    const { passages } = await search("batch normalization with small batches");
    expect(passages.map((p) => p.rank)).toEqual(passages.map((_, i) => i + 1));
    for (let i = 1; i < passages.length; i++) expect(passages[i].score).toBeLessThanOrEqual(passages[i - 1].score);
  });

  it("finds the passage that answers the query first", async () => {
    const { passages } = await search("which optimizer and momentum were used for training");
    expect(passages.slice(0, 3).some((p) => p.text.includes("momentum 0.9"))).toBe(true);
  });

  it("returns at most 10 passages by default and at most --k", async () => {
    expect((await search("training")).passages.length).toBeLessThanOrEqual(10);
    expect((await search("training", "--k", "3")).passages).toHaveLength(3);
    expect((await search("training", "--k", "1")).passages).toHaveLength(1);
    expect((await search("training", "--k", "25")).passages.length).toBeGreaterThan(10);
  });

  it("a PDF passage carries its page and a link that opens that page", async () => {
    const { passages } = await search("SGD momentum 0.9 weight decay cosine schedule", "--k", "5");
    const pdf = passages.find((p) => p.kind === "pdf");
    expect(pdf).toBeDefined();
    expect(pdf!.path).toBe(DEMO_PDF_PATH);
    expect(pdf!.page).toBe(3);
    expect(pdf!.link).toMatch(new RegExp(`^\\[\\[${escape(DEMO_PDF_PATH)}#page=3(&selection=\\d+,\\d+,\\d+,\\d+)?\\|[^\\]]+\\]\\]$`));
  });

  it("a note passage carries its headings and a link to its heading or block", async () => {
    const { passages } = await search("Training the final model took four days on one laptop GPU", "--mode", "keyword", "--k", "3");
    const note = passages.find((p) => p.kind === "markdown" && p.path === "Notes/Training small CNNs.md");
    expect(note?.headings).toEqual(["Training small CNNs", "Training budget"]);
    expect(note?.link).toMatch(/^\[\[Notes\/Training small CNNs#(\^training-budget|Training budget)\|/);
  });

  it("a transcript passage carries start and end seconds and a link to the transcript", async () => {
    const { passages } = await search("cutting the schedule to 30 epochs saves three days", "--mode", "keyword", "--k", "3");
    const t = passages.find((p) => p.kind === "transcript");
    expect(t?.path).toBe(DEMO_TRANSCRIPT);
    expect(t?.start).toBe(101);
    expect(t!.end!).toBeGreaterThan(101);
    expect(t?.link).toContain("Transcripts/Lecture - CNNs on a budget");
  });

  it("every link resolves to a file of the vault", async () => {
    const { passages } = await search("training", "--k", "30");
    const files = vaultFiles(vault);
    expect(passages.flatMap((p) => danglingLinks(p.link, files))).toEqual([]);
  });

  it("reads the index without writing to it", async () => {
    const before = snapshot(indexDirOf(vault), { rewrites: true });
    await search("training");
    expect(changes(before, snapshot(indexDirOf(vault), { rewrites: true }))).toEqual([]);
  });

  it("a query with nothing in the vault gives an empty list, not an error", async () => {
    const run = await runCli(cli, ["search", keywordVault, "xylophonist quetzalcoatl", "--json"]);
    expect(run.code, describeRun(run)).toBe(0);
    expect(parseJson<SearchJson>(run).passages).toEqual([]);
  });

  it("--folder restricts the passages to that folder", async () => {
    const { passages } = await search("training", "--folder", "Notes", "--k", "20");
    expect(passages.length).toBeGreaterThan(0);
    expect(passages.every((p) => p.path.startsWith("Notes/"))).toBe(true);
  });
});

describe("--mode", () => {
  it("keyword finds nothing for words the vault does not contain", async () => {
    expect((await search("automobile engine", "--mode", "keyword")).passages).toEqual([]);
  });

  it.runIf(HAVE_MODEL)("vector finds the nearest passages even without a shared word", async () => {
    expect((await search("automobile engine", "--mode", "vector", "--k", "3")).passages).toHaveLength(3);
  });

  it.runIf(HAVE_MODEL)("the modes rank differently, and hybrid draws on both", async () => {
    const q = "how much electricity did the whole run use";
    const [k, v, h] = await Promise.all([search(q, "--mode", "keyword", "--k", "5"), search(q, "--mode", "vector", "--k", "5"), search(q, "--k", "5")]);
    const ids = (r: SearchJson) => r.passages.map((p) => p.link);
    expect(ids(k)).not.toEqual(ids(v));
    expect(h.passages.length).toBeGreaterThan(0);
    expect(ids(h).some((l) => ids(k).includes(l) || ids(v).includes(l))).toBe(true);
  });

  it("vector on a keyword-only index says on stderr that the results are keyword results", async () => {
    const run = await runCli(cli, ["search", keywordVault, "four days", "--json", "--mode", "vector"]);
    expect(run.code, describeRun(run)).toBe(0);
    expect(parseJson<SearchJson>(run).passages.length).toBeGreaterThan(0);
    expect(run.stderr).toMatch(/keyword/i);
  });
});

describe.runIf(HAVE_MODEL)("the model that built the index", () => {
  it("is used again when no --model is given", async () => {
    const { passages } = await search("automobile engine", "--mode", "vector", "--k", "2");
    expect(passages).toHaveLength(2);
  });

  it("is accepted when passed again", async () => {
    expect((await search("four days", "--model", modelA)).passages.length).toBeGreaterThan(0);
  });

  it("another --model is refused with one line naming the index's model, exit 1", async () => {
    const line = expectOneLineFailure(await runCli(cli, ["search", vault, "four days", "--json", "--model", modelB]));
    expect(line).toContain("glove-a");
    expect(line).toMatch(/--model|re-index/);
  });

  it("ask refuses another --model the same way", async () => {
    const line = expectOneLineFailure(await runCli(cli, ["ask", vault, "How long did training take?", "--json", "--model", modelB]));
    expect(line).toContain("glove-a");
  });

  it("a refused query leaves the index as it was", async () => {
    const before = snapshot(indexDirOf(vault), { rewrites: true });
    await runCli(cli, ["search", vault, "four days", "--json", "--model", modelB]);
    expect(changes(before, snapshot(indexDirOf(vault), { rewrites: true }))).toEqual([]);
  });

  it("--no-embeddings searches the index by keyword only", async () => {
    const run = await runCli(cli, ["search", vault, "four days", "--json", "--no-embeddings"]);
    expect(run.code, describeRun(run)).toBe(0);
    expect(parseJson<SearchJson>(run).passages.length).toBeGreaterThan(0);
  });
});

describe("human output", () => {
  it("lists rank, link and text on stdout", async () => {
    const run = await runCli(cli, ["search", vault, "momentum", "--k", "2"]);
    expect(run.code, describeRun(run)).toBe(0);
    expect(run.stdout).toMatch(/^1\. \[\[.+\]\]/m);
    expect(run.stdout).toMatch(/^2\. \[\[.+\]\]/m);
    expect(run.stdout).toContain("momentum");
  });
});

function escape(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}
