// Kills a process that is writing the index, at random moments, many times over, and checks every
// time that the index on disk opens without damage and is internally consistent: the old index or
// the new one, never a mix. SCHOLIA_CRASH_TRIALS sets the number of kills (default 30).
import { spawn } from "node:child_process";
import { mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { build } from "esbuild";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { NodeIndexStorage } from "../../src/cli/node-index-storage";
import { ScholiaIndex } from "../../src/core/index/scholia-index";
import { CRASH_MODEL, chunkText } from "./crash-fixture";
import { hashedVector } from "./helpers";

const TRIALS = Number(process.env.SCHOLIA_CRASH_TRIALS ?? "30");
/** How far int8 rounding of the query and the rows can move one chunk's score relative to another's
 *  for 64-dim unit vectors: each score is within ~0.011 of the float cosine (measured on the
 *  crash fixture's vectors), so two scores within ~0.022 of each other. */
const INT8_SCORE_TOLERANCE = 0.03;
let work: string;
let childJs: string;

beforeAll(async () => {
  work = mkdtempSync(path.join(tmpdir(), "scholia-crash-"));
  childJs = path.join(work, "crash-child.cjs");
  await build({
    entryPoints: [path.join(__dirname, "crash-child.ts")],
    bundle: true,
    platform: "node",
    format: "cjs",
    target: "node20",
    outfile: childJs,
    logLevel: "silent",
  });
});

afterAll(() => {
  rmSync(work, { recursive: true, force: true });
});

/** Runs the child until it has saved once, then lets it run `ms` more before SIGKILL. */
function runAndKill(dir: string, seed: number, ms: number): Promise<{ code: number | null; signal: string | null; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [childJs, dir, String(seed)], { stdio: ["ignore", "pipe", "pipe"] });
    let stderr = "";
    child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    child.stdout.on("data", () => setTimeout(() => child.kill("SIGKILL"), ms));
    child.on("error", reject);
    child.on("exit", (code, signal) => resolve({ code, signal, stderr }));
  });
}

/** Opens what the kill left, verifying every file before open() returns ("eager") or the texts and
 *  keyword index after it ("background"), and checks it from every side. */
async function checkConsistent(dir: string, keyword: "eager" | "background" = "eager"): Promise<number> {
  const { index, notice } = await ScholiaIndex.open(new NodeIndexStorage(dir), { model: CRASH_MODEL, keyword });
  expect(notice).toBeUndefined();
  await index.verified();
  await index.keywordReady();
  expect(index.notice).toBeUndefined();
  let total = 0;
  for (const f of index.listFiles()) {
    expect(f.tags).toHaveLength(1);
    total += f.chunks;
  }
  expect(index.chunkCount).toBe(total);
  for (let o = 0; o < index.chunkCount; o++) {
    const chunk = index.getChunk(o);
    const docTag = index.getFileTags(chunk.path)[0];
    const m = /^document (doc(\d+)) passage (\d+) /u.exec(chunk.text);
    expect(m, chunk.text).not.toBeNull();
    // Metadata, text and tags agree: the chunk belongs to the file that carries its number.
    expect(m![1]).toBe(docTag);
    expect(chunk.text).toBe(chunkText(Number(m![2]), Number(m![3])));
    expect(chunk.id).toBe(`${chunk.path}#${m![3]}`);
    // Vectors agree with metadata: each chunk's stored vector is the one made from its text.
    const stored = index.getVector(o)!;
    const expected = hashedVector(chunk.text, 64);
    let dot = 0;
    for (let i = 0; i < 64; i++) dot += stored[i] * expected[i];
    expect(dot).toBeGreaterThan(0.99);
  }
  if (index.chunkCount > 0) {
    const probeOrdinal = Math.floor(index.chunkCount / 2);
    const probe = index.getChunk(probeOrdinal);
    // Search finds each chunk by its own vector. Passages of one document differ by two words, and
    // 64 hashed dimensions can make two of them (near-)duplicates whose int8 scores tie with the
    // probe's, so a tie may rank another chunk first. What must hold: the probe is found, nothing
    // scores above it by more than int8 rounding, and whatever ranks above it is a near-duplicate.
    const query = hashedVector(probe.text, 64);
    const hits = index.vectorSearch(query, Math.min(index.chunkCount, 20));
    const self = hits.findIndex((h) => h.ordinal === probeOrdinal);
    expect(self, `${probe.text} is not among its own vector's hits`).toBeGreaterThanOrEqual(0);
    const probeVector = index.getVector(probeOrdinal)!;
    for (const above of hits.slice(0, self)) {
      expect(above.score - hits[self].score).toBeLessThanOrEqual(INT8_SCORE_TOLERANCE);
      const other = index.getVector(above.ordinal)!;
      let cosine = 0;
      for (let i = 0; i < 64; i++) cosine += other[i] * probeVector[i];
      expect(cosine, `${index.getChunk(above.ordinal).text} outranks ${probe.text}`).toBeGreaterThan(1 - INT8_SCORE_TOLERANCE);
    }
    const tag = index.getFileTags(probe.path)[0];
    const kw = index.keywordSearch(tag, 50);
    expect(kw.length).toBeGreaterThan(0);
    for (const h of kw) expect(index.getChunk(h.ordinal).path).toBe(probe.path);
  }
  return index.chunkCount;
}

describe("crash safety", () => {
  it(`the index survives ${TRIALS} kills during writes: it always opens, consistent, and the next run completes`, async () => {
    const dir = path.join(work, "index");
    let killedMidWrite = 0;
    let seed = 12345;
    for (let trial = 0; trial < TRIALS; trial++) {
      seed = (Math.imul(seed, 48271) + 11) >>> 0;
      const delay = seed % 250;
      const result = await runAndKill(dir, seed, delay);
      expect(result.stderr).toBe("");
      expect(result.signal).toBe("SIGKILL");
      if (readdirSync(dir).some((n) => n.includes(".tmp-"))) killedMidWrite++;
      await checkConsistent(dir, trial % 2 === 0 ? "eager" : "background");
    }
    // The next run over whatever the last kill left completes and cleans up leftover temporaries.
    const { index } = await ScholiaIndex.open(new NodeIndexStorage(dir), { model: CRASH_MODEL });
    const text = chunkText(1, 0);
    index.putDocument({ path: "final.md", size: 1, mtime: 1, hash: "f" }, { path: "final.md", kind: "markdown", title: "F", tags: ["doc1"], chunks: [{ id: "final.md#0", path: "final.md", kind: "markdown", text }] }, [hashedVector(text, 64)]);
    await index.save();
    expect(readdirSync(dir).filter((n) => n.includes(".tmp-"))).toEqual([]);
    expect(await checkConsistent(dir)).toBeGreaterThan(0);
    // Kills must actually land inside writes for this test to mean anything.
    console.log(`crash test: ${TRIALS} kills, ${killedMidWrite} left a half-written temporary file`);
    expect(killedMidWrite).toBeGreaterThan(0);
  }, 600_000);
});
