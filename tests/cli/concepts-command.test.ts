// `scholia concepts <vault> --from <path>` and `scholia concept <vault> "<topic>"`: concept notes offline
// and through an OpenAI-compatible server. A dry run writes nothing (not even the index), a second run
// changes nothing, every link resolves, and a note a person edited keeps every byte.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { replies, startFakeOpenAiServer, type ChatRequest, type FakeOpenAiServer } from "../helpers/fake-openai-server";
import { buildCli, removeTemporaryFiles, describeRun, parseJson, runCli, tempDir, type CliRun } from "./helpers/cli";
import { changes, danglingLinks, DEMO_NOTE, DEMO_PDF_PATH, DEMO_TRANSCRIPT, makeDemoVault, put, read, snapshot, vaultFiles } from "./helpers/vault-files";

interface NoteJson {
  path: string;
  title: string;
  action: "created" | "updated" | "skipped";
  reason?: string;
}
interface ConceptsJson {
  notes: NoteJson[];
}

let cli: string;
let server: FakeOpenAiServer;

beforeAll(async () => {
  cli = await buildCli("concepts");
  server = await startFakeOpenAiServer();
});
afterAll(async () => {
  await server?.close();
  removeTemporaryFiles();
});

async function run(vault: string, args: string[]): Promise<{ run: CliRun; result: ConceptsJson }> {
  const r = await runCli(cli, [args[0], vault, ...args.slice(1), "--json"]);
  expect(r.code, describeRun(r)).toBe(0);
  return { run: r, result: parseJson<ConceptsJson>(r) };
}

function expectShape(result: ConceptsJson): void {
  expect(Array.isArray(result.notes)).toBe(true);
  for (const n of result.notes) {
    expect(Object.keys(n).filter((k) => !["path", "title", "action", "reason"].includes(k))).toEqual([]);
    expect(n.path).toMatch(/\.md$/);
    expect(n.path).not.toMatch(/\\|^\/|\.\./);
    expect(n.title.trim().length).toBeGreaterThan(0);
    expect(["created", "updated", "skipped"]).toContain(n.action);
    if (n.action === "skipped") expect(n.reason).toBeTruthy();
  }
}

/** Every [[link]] of every note the run wrote resolves to a file now in the vault. */
function expectLinksResolve(vault: string, notes: NoteJson[]): void {
  const files = vaultFiles(vault);
  for (const n of notes) expect(danglingLinks(read(vault, n.path), files), n.path).toEqual([]);
}

/** Cited PDF pages in the notes: each within the paper's 5 pages. */
function citedPages(text: string): number[] {
  return [...text.matchAll(/#page=(\d+)/g)].map((m) => Number(m[1]));
}

const FROM_PDF = ["concepts", "--from", DEMO_PDF_PATH];

describe("concepts --from a PDF, offline", () => {
  let vault: string;
  let predicted: ConceptsJson;
  let written: ConceptsJson;

  beforeAll(async () => {
    vault = await makeDemoVault(tempDir("concepts-offline"));
    const index = await runCli(cli, ["index", vault, "--json", "--no-embeddings"]);
    expect(index.code, describeRun(index)).toBe(0);
  });

  it("--dry-run writes nothing, not even to the index, and says what it would write", async () => {
    const before = snapshot(vault, { rewrites: true });
    ({ result: predicted } = await run(vault, [...FROM_PDF, "--dry-run"]));
    expect(changes(before, snapshot(vault, { rewrites: true }))).toEqual([]);
    expectShape(predicted);
    expect(predicted.notes.length).toBeGreaterThan(0);
    expect(predicted.notes.every((n) => n.action === "created" && n.path.startsWith("Concepts/"))).toBe(true);
  });

  it("writes the notes the dry run announced", async () => {
    ({ result: written } = await run(vault, FROM_PDF));
    expectShape(written);
    expect(written.notes.map((n) => [n.path, n.action])).toEqual(predicted.notes.map((n) => [n.path, n.action]));
    for (const n of written.notes) expect(read(vault, n.path).length).toBeGreaterThan(50);
  });

  it("every [[link]] in the notes resolves, and cited pages exist in the paper", () => {
    expectLinksResolve(vault, written.notes);
    const pages = written.notes.flatMap((n) => citedPages(read(vault, n.path)));
    expect(pages.length).toBeGreaterThan(0);
    expect(pages.every((p) => p >= 1 && p <= 5)).toBe(true);
  });

  it("a second run changes no file", async () => {
    const before = snapshot(vault, { rewrites: true });
    const { result } = await run(vault, FROM_PDF);
    expect(changes(before, snapshot(vault, { rewrites: true }))).toEqual([]);
    expect(result.notes.filter((n) => n.action !== "skipped")).toEqual([]);
  });

  it("a note a person edited keeps every byte on the next run", async () => {
    const note = written.notes[0].path;
    const edited = read(vault, note).replace(/\n## /, "\nMy own remark, which must survive.\n\n## ") + "\nAnd a closing thought of mine.\n";
    put(vault, note, edited);
    const { result } = await run(vault, FROM_PDF);
    expect(read(vault, note)).toBe(edited);
    expect(result.notes.find((n) => n.path === note)?.action).toBe("skipped");
  });

  it("--dry-run on a vault without an index writes nothing either", async () => {
    const fresh = await makeDemoVault(tempDir("concepts-no-index"));
    const before = snapshot(fresh, { rewrites: true });
    const { result } = await run(fresh, [...FROM_PDF, "--dry-run", "--no-embeddings"]);
    expect(result.notes.length).toBeGreaterThan(0);
    expect(changes(before, snapshot(fresh, { rewrites: true }))).toEqual([]);
  });

  it("--out puts the notes in another folder", async () => {
    const other = await makeDemoVault(tempDir("concepts-out"));
    const { result } = await run(other, ["concepts", "--from", DEMO_TRANSCRIPT, "--out", "Knowledge/From lectures", "--no-embeddings"]);
    expect(result.notes.length).toBeGreaterThan(0);
    expect(result.notes.every((n) => n.path.startsWith("Knowledge/From lectures/"))).toBe(true);
    expectLinksResolve(other, result.notes);
  });

  it("a person's own note where a concept note would go keeps its words", async () => {
    const other = await makeDemoVault(tempDir("concepts-person"));
    const { result: plan } = await run(other, [...FROM_PDF, "--dry-run", "--no-embeddings"]);
    const target = plan.notes[0].path;
    const mine = `# ${plan.notes[0].title}\n\nWhat I think about this, in my own words.\n`;
    put(other, target, mine);
    const { result } = await run(other, [...FROM_PDF, "--no-embeddings"]);
    const now = read(other, target);
    expect(now.startsWith(mine)).toBe(true);
    expect(result.notes.find((n) => n.path === target)?.action).not.toBe("created");
    expectLinksResolve(other, result.notes);
  });
});

describe("concepts --from a PDF with an LLM", () => {
  let vault: string;
  let result: ConceptsJson;

  /** The passages the concept prompt shows, by id. */
  function passages(req: ChatRequest): Array<{ id: string; text: string }> {
    const user = req.body.messages.filter((m) => m.role === "user").at(-1)?.content ?? "";
    return [...user.matchAll(/<passage id="(P\d+)"[^>]*>\n([\s\S]*?)\n<\/passage>/g)].map((m) => ({ id: m[1], text: m[2].replace(/\s+/g, " ") }));
  }
  function cite(req: ChatRequest, cue: string): string {
    const hit = passages(req).find((p) => p.text.includes(cue));
    if (!hit) throw new Error(`no passage contains "${cue}"`);
    return hit.id;
  }

  beforeAll(async () => {
    vault = await makeDemoVault(tempDir("concepts-llm"));
    server.setResponder((req) =>
      replies.text(
        JSON.stringify({
          concepts: [
            {
              title: "PocketNet",
              aliases: ["Pocket Net"],
              summary: { text: "PocketNet is a small convolutional network with 1.2 million parameters.", cites: [cite(req, "which we call PocketNet")] },
              sections: [
                {
                  heading: "Training",
                  claims: [{ text: "It was trained with stochastic gradient descent with momentum 0.9.", cites: [cite(req, "momentum 0.9")] }],
                },
              ],
              related: ["Mixed precision arithmetic"],
            },
            {
              title: "Mixed precision arithmetic",
              aliases: [],
              summary: { text: "Mixed precision halved the memory needed for activations.", cites: [cite(req, "Mixed precision arithmetic halved")] },
              sections: [{ heading: "Effect", claims: [{ text: "It made a mini-batch of 64 images possible.", cites: [cite(req, "mini-batch of 64 images possible")] }] }],
              related: ["PocketNet"],
            },
          ],
        }),
      ),
    );
    ({ result } = await run(vault, [...FROM_PDF, "--no-embeddings", "--llm-base-url", server.baseURL, "--llm-model", "fake-model"]));
  });

  it("writes one note per concept the model proposed", () => {
    expectShape(result);
    expect(result.notes.map((n) => [n.path, n.action])).toEqual([
      ["Concepts/PocketNet.md", "created"],
      ["Concepts/Mixed precision arithmetic.md", "created"],
    ]);
  });

  it("cites the pages the model's passage ids stand for", () => {
    const pocketnet = read(vault, "Concepts/PocketNet.md");
    expect(pocketnet).toContain("momentum 0.9");
    const line = pocketnet.split("\n").find((l) => l.includes("momentum 0.9"))!;
    expect(citedPages(line)).toEqual([3]);
    expect(citedPages(read(vault, "Concepts/Mixed precision arithmetic.md"))).toContain(3);
  });

  it("links the concepts to each other, and every link resolves", () => {
    expect(read(vault, "Concepts/PocketNet.md")).toMatch(/\[\[(Concepts\/)?Mixed precision arithmetic(\|[^\]]*)?\]\]/);
    expectLinksResolve(vault, result.notes);
  });

  it("a second run changes no file", async () => {
    const before = snapshot(vault, { rewrites: true });
    await run(vault, [...FROM_PDF, "--no-embeddings", "--llm-base-url", server.baseURL, "--llm-model", "fake-model"]);
    expect(changes(before, snapshot(vault, { rewrites: true }))).toEqual([]);
  });
});

describe("concept <topic>", () => {
  it("offline: a dry run writes nothing, the run writes one linked note, a second run changes nothing", async () => {
    const vault = await makeDemoVault(tempDir("concept-topic"));
    await runCli(cli, ["index", vault, "--json", "--no-embeddings"]);
    const before = snapshot(vault, { rewrites: true });
    const { result: plan } = await run(vault, ["concept", "learning rate warmup", "--dry-run"]);
    expect(changes(before, snapshot(vault, { rewrites: true }))).toEqual([]);
    expectShape(plan);
    expect(plan.notes).toHaveLength(1);

    const { result } = await run(vault, ["concept", "learning rate warmup"]);
    expect(result.notes.map((n) => [n.path, n.action])).toEqual([[plan.notes[0].path, "created"]]);
    expect(read(vault, result.notes[0].path)).toMatch(/warm ?up/i);
    expectLinksResolve(vault, result.notes);

    const after = snapshot(vault, { rewrites: true });
    await run(vault, ["concept", "learning rate warmup"]);
    expect(changes(after, snapshot(vault, { rewrites: true }))).toEqual([]);
  });

  it("never links or cites a note deleted since the index was built", async () => {
    const vault = await makeDemoVault(tempDir("concept-stale"));
    await runCli(cli, ["index", vault, "--json", "--no-embeddings"]);
    put(vault, "Notes/Batch normalization.md", ""); // emptied…
    const { rmSync } = await import("node:fs");
    rmSync(`${vault}/Notes/Batch normalization.md`); // …then deleted
    const { result } = await run(vault, ["concept", "batch normalization"]);
    expect(result.notes.length).toBeGreaterThan(0);
    for (const n of result.notes) expect(read(vault, n.path)).not.toContain("Notes/Batch normalization");
    expectLinksResolve(vault, result.notes);
  });

  it("with an LLM: one note from passages across the vault, citing what the model cited", async () => {
    const vault = await makeDemoVault(tempDir("concept-llm"));
    server.setResponder((req) => {
      const user = req.body.messages.filter((m) => m.role === "user").at(-1)?.content ?? "";
      const shown = [...user.matchAll(/<passage id="(P\d+)"[^>]*>\n([\s\S]*?)\n<\/passage>/g)].map((m) => ({ id: m[1], text: m[2].replace(/\s+/g, " ") }));
      const id = (cue: string) => shown.find((p) => p.text.includes(cue))?.id ?? "P1";
      return replies.text(
        JSON.stringify({
          concepts: [
            {
              title: "Learning rate warmup",
              aliases: ["warmup"],
              summary: { text: "Warmup raises the learning rate gradually at the start of training.", cites: [id("raises the learning rate gradually")] },
              sections: [{ heading: "In PocketNet", claims: [{ text: "PocketNet raised the rate linearly from 0.01 to 0.1 over five epochs.", cites: [id("0.01 to 0.1")] }] }],
              related: [],
            },
          ],
        }),
      );
    });
    const { result } = await run(vault, ["concept", "learning rate warmup", "--no-embeddings", "--llm-base-url", server.baseURL, "--llm-model", "fake-model"]);
    expect(result.notes).toHaveLength(1);
    expect(result.notes[0].action).toBe("created");
    const text = read(vault, result.notes[0].path);
    expect(text).toContain("raises the learning rate gradually");
    expect(text).toMatch(/\[\[Notes\/Learning rate warmup/);
    expectLinksResolve(vault, result.notes);
  });
});

describe("concepts from a note", () => {
  it("offline from a markdown note: notes whose links resolve", async () => {
    const vault = await makeDemoVault(tempDir("concepts-note"));
    const { result } = await run(vault, ["concepts", "--from", DEMO_NOTE, "--no-embeddings"]);
    expectShape(result);
    expectLinksResolve(vault, result.notes);
  });
});
