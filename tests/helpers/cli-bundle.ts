// The one recipe for bundling the `scholia` command in tests and scripts: the options of the `cli` build
// in esbuild.config.mjs, so what the tests run is what users run.
import * as path from "node:path";
import type * as Esbuild from "esbuild";

/** Packages that stay in node_modules and load at run time (native code, or too large to bundle). */
export const CLI_EXTERNALS = ["@huggingface/transformers", "onnxruntime-node", "pdfjs-dist", "sharp"];

/** Bundles src/cli/main.ts of `repoRoot` into `outfile`. The caller passes esbuild so that a bundled
 *  script can load it from the checkout instead of carrying it. */
export async function bundleCli(esbuild: typeof Esbuild, repoRoot: string, outfile: string): Promise<string> {
  await esbuild.build({
    entryPoints: [path.join(repoRoot, "src", "cli", "main.ts")],
    bundle: true,
    platform: "node",
    format: "cjs",
    target: "node20",
    outfile,
    external: CLI_EXTERNALS,
    logLevel: "silent",
    sourcemap: false,
  });
  return outfile;
}
