// Child process of the crash test: opens the index in a folder and changes and saves it in a tight
// loop until it is killed. Every chunk carries its document number in its text, its vector is a
// function of its text and its file is tagged with the number, so the parent can check any index it
// finds for consistency without knowing when the kill landed.
import { NodeIndexStorage } from "../../src/cli/node-index-storage";
import { ScholiaIndex } from "../../src/core/index/scholia-index";
import { CRASH_MODEL, chunkText } from "./crash-fixture";
import { hashedVector } from "./helpers";

async function main(): Promise<void> {
  const dir = process.argv[2];
  const seed = Number(process.argv[3] ?? "1");
  let state = seed >>> 0 || 1;
  const rand = (n: number): number => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state % n;
  };
  const storage = new NodeIndexStorage(dir);
  const { index, notice } = await ScholiaIndex.open(storage, { model: CRASH_MODEL });
  if (notice) {
    process.stderr.write(`child found a damaged index: ${notice}\n`);
    process.exit(3);
  }
  // Document numbers are unique across runs (each run has its own seed), so a number names one file.
  let nextDoc = (seed % 1_000_000) * 10_000;
  for (let round = 0; ; round++) {
    for (let n = 0; n < 5; n++) {
      const id = nextDoc++;
      const count = 1 + rand(40);
      const texts = Array.from({ length: count }, (_, j) => chunkText(id, j));
      const path = `Folder${id % 5}/doc${id}.md`;
      index.putDocument(
        { path, size: count, mtime: round, hash: `h${id}` },
        {
          path,
          kind: "markdown",
          title: `Doc ${id}`,
          tags: [`doc${id}`],
          chunks: texts.map((text, j) => ({ id: `${path}#${j}`, path, kind: "markdown", text })),
        },
        texts.map((t) => hashedVector(t, 64)),
      );
    }
    const files = index.listFiles();
    if (files.length > 0 && rand(3) === 0) {
      const f = files[rand(files.length)];
      index.renameFile(f.path, `Moved/r${round}-${f.path.split("/").pop() ?? "x"}`);
    }
    if (files.length > 30) {
      for (let n = 0; n < 5; n++) {
        const all = index.listFiles();
        index.removeFile(all[rand(all.length)].path);
      }
    }
    await index.save();
    if (round === 0) process.stdout.write("saved\n");
  }
}

void main().catch((e: unknown) => {
  process.stderr.write(`${e instanceof Error ? e.stack ?? e.message : String(e)}\n`);
  process.exit(2);
});
