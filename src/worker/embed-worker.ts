// Entry point of the embedding Web Worker bundled into the Obsidian plugin. Runs transformers.js on
// onnxruntime-web's single-threaded WASM backend. The WASM binary and its JavaScript glue are inlined
// into this bundle (esbuild's binary loader; onnxruntime-web's "bundle" build), so nothing is ever
// fetched from a CDN: only model files come from the network, and only when the user allows it.
import * as transformers from "@huggingface/transformers";
import ortWasm from "onnxruntime-web/ort-wasm-simd-threaded.wasm";
import { TransformersEmbedder } from "../core/embed/transformers-embedder";
import { serveEmbedder } from "./embed-worker-host";
import type { MessagePortLike } from "./protocol";

const { env } = transformers;
const wasm = env.backends.onnx.wasm;
if (wasm) {
  wasm.wasmBinary = ortWasm;
  // transformers.js points wasmPaths at jsDelivr on import; with it unset, onnxruntime-web uses the
  // glue compiled into its bundle build and the binary above.
  delete wasm.wasmPaths;
  // Threads need SharedArrayBuffer (cross-origin isolation), which Obsidian does not provide; the
  // worker itself already keeps the UI responsive.
  wasm.numThreads = 1;
  wasm.proxy = false;
}
env.useWasmCache = false;
env.allowLocalModels = false;

serveEmbedder(self as unknown as MessagePortLike, (options, onProgress) =>
  new TransformersEmbedder({ ...options, device: "wasm", onProgress, loadLibrary: () => Promise.resolve(transformers) }),
);
