// Starts the embedding worker from the source inlined into main.js. Obsidian installs a plugin as
// main.js + manifest.json + styles.css only, so the worker cannot be a separate file: it becomes a
// Blob URL. Only the plugin bundle can import this module (the import is resolved by esbuild).
import workerSource from "scholia:embed-worker";
import { WorkerEmbedder, type WorkerLike } from "../plugin/worker-embedder";
import type { DownloadProgress } from "../core/embed/transformers-embedder";

export function createEmbedWorker(): WorkerLike {
  const url = URL.createObjectURL(new Blob([workerSource], { type: "text/javascript" }));
  const worker = new Worker(url, { type: "module", name: "scholia-embeddings" });
  // The worker has read its script once it runs; the URL is not needed after that.
  const revoke = () => URL.revokeObjectURL(url);
  worker.addEventListener("message", revoke, { once: true });
  worker.addEventListener("error", revoke, { once: true });
  return worker;
}

export interface LocalWorkerEmbedderOptions {
  /** Download the model from the Hugging Face hub on first use (then it is cached by the browser). */
  allowRemote?: boolean;
  onProgress?: (progress: DownloadProgress) => void;
}

/** The plugin's local embedder: `model` runs in a Web Worker on onnxruntime-web. */
export function localWorkerEmbedder(model: string, options: LocalWorkerEmbedderOptions = {}): WorkerEmbedder {
  return new WorkerEmbedder({ model, allowRemote: options.allowRemote ?? true, onProgress: options.onProgress }, createEmbedWorker);
}
