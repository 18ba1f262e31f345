// Modules that only exist inside the esbuild bundles (see esbuild.config.mjs).

/** onnxruntime-web's WASM binary, inlined by esbuild's binary loader. */
declare module "onnxruntime-web/ort-wasm-simd-threaded.wasm" {
  const bytes: Uint8Array;
  export default bytes;
}

/** The built embedding worker (dist/embed-worker.js) as source text, inlined into the plugin bundle. */
declare module "scholia:embed-worker" {
  const source: string;
  export default source;
}
