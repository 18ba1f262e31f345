// Builds two bundles from one source tree:
//   main.js     the Obsidian plugin (CommonJS; obsidian, electron and CodeMirror are provided by the app)
//   dist/cli.js the headless `scholia` command for Node
import esbuild from "esbuild";
import { builtinModules } from "node:module";
import { existsSync } from "node:fs";

const production = process.argv[2] === "production";
const banner = "/* Scholia — answers that cite the exact page or timestamp. Bundled; see the repository for sources. */";

const plugin = {
  banner: { js: banner },
  entryPoints: ["main.ts"],
  bundle: true,
  external: [
    "obsidian",
    "electron",
    "@codemirror/autocomplete", "@codemirror/collab", "@codemirror/commands", "@codemirror/language",
    "@codemirror/lint", "@codemirror/search", "@codemirror/state", "@codemirror/view",
    "@lezer/common", "@lezer/highlight", "@lezer/lr",
    ...builtinModules, ...builtinModules.map((m) => `node:${m}`),
  ],
  format: "cjs",
  target: "es2022",
  platform: "browser",
  logLevel: "info",
  sourcemap: production ? false : "inline",
  treeShaking: true,
  outfile: "main.js",
  loader: { ".wasm": "binary" },
  minify: production,
};

// The embedding Web Worker (src/worker/embed-worker.ts): transformers.js on onnxruntime-web's
// single-threaded WASM build, with the .wasm binary inlined, so the plugin never loads code from a CDN.
// It is built in memory and inlined into main.js as text when the plugin imports "scholia:embed-worker"
// (Obsidian installs only main.js, manifest.json and styles.css, so a worker cannot be a separate file).
const embedWorker = {
  entryPoints: ["src/worker/embed-worker.ts"],
  bundle: true,
  format: "esm",
  platform: "browser",
  target: "es2022",
  write: false,
  outfile: "dist/embed-worker.js",
  loader: { ".wasm": "binary" },
  // transformers.js imports the WebGPU build; the CPU-only WASM build has the same API at half the size.
  alias: { "onnxruntime-web/webgpu": "onnxruntime-web/wasm" },
  // Only reached for local model folders, which exist in Node alone; the worker never takes that path.
  external: ["node:fs/promises"],
  minify: true,
  logLevel: "warning",
};

const inlineEmbedWorker = {
  name: "inline-embed-worker",
  setup(build) {
    build.onResolve({ filter: /^scholia:embed-worker$/ }, (args) => ({ path: args.path, namespace: "scholia-embed-worker" }));
    build.onLoad({ filter: /.*/, namespace: "scholia-embed-worker" }, async () => {
      const result = await esbuild.build(embedWorker);
      return { contents: result.outputFiles[0].text, loader: "text" };
    });
  },
};
plugin.plugins = [inlineEmbedWorker];

const cli = {
  banner: { js: "#!/usr/bin/env node\n" + banner },
  entryPoints: ["src/cli/main.ts"],
  bundle: true,
  platform: "node",
  format: "cjs",
  target: "node20",
  outfile: "dist/cli.js",
  // Native and heavy packages stay in node_modules and load at run time.
  external: ["@huggingface/transformers", "onnxruntime-node", "pdfjs-dist", "sharp"],
  logLevel: "info",
  sourcemap: false,
};

// Project tools (demo vault, evaluation, benchmarks) are TypeScript too; they run from dist/.
const tools = [
  ["scripts/make-demo-vault.ts", "dist/make-demo-vault.js"],
  ["scripts/make-demo-model.ts", "dist/make-demo-model.js"],
  ["scripts/eval.ts", "dist/eval.js"],
  ["bench/run.ts", "dist/bench.js"],
  ["scripts/torture.ts", "dist/torture.js"],
]
  .filter(([entry]) => existsSync(entry))
  .map(([entry, outfile]) => ({ ...cli, banner: { js: banner }, entryPoints: [entry], outfile }));

if (production) {
  await Promise.all([esbuild.build(plugin), esbuild.build(cli), ...tools.map((t) => esbuild.build(t))]);
} else {
  const ctx = await esbuild.context(plugin);
  await Promise.all([esbuild.build(cli), ...tools.map((t) => esbuild.build(t))]);
  await ctx.watch();
}
