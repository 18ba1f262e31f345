// Entry point Obsidian loads. It only wires things: the plugin (src/plugin/scholia-plugin.ts) with the
// local embedding model running in a Web Worker whose code and WASM are inlined in this bundle.
import type { Embedder } from "./src/core/embed/embedder";
import { downloadFraction } from "./src/plugin/download-progress";
import ScholiaPluginBase from "./src/plugin/scholia-plugin";
import { localWorkerEmbedder } from "./src/worker/create-embed-worker";

export default class ScholiaPlugin extends ScholiaPluginBase {
  protected override localEmbedderFactory(): (model: string, onProgress: (fraction: number) => void) => Embedder {
    return (model, onProgress) => {
      const fraction = downloadFraction();
      return localWorkerEmbedder(model, { onProgress: (p) => onProgress(fraction(p)) });
    };
  }
}
