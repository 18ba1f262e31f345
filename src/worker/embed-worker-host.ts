// The worker side of the protocol: owns one embedder, runs requests one at a time (one model, one
// thread), and lets the main thread cancel a request between batches.
import type { Embedder } from "../core/embed/embedder";
import type { DownloadProgress } from "../core/embed/transformers-embedder";
import type { MessagePortLike, WorkerModelOptions, WorkerRequest, WorkerResponse } from "./protocol";

export type EmbedderFactory = (options: WorkerModelOptions, onProgress: (p: DownloadProgress) => void) => Embedder;

function errorFields(error: unknown): { name: string; message: string } {
  if (error instanceof Error) return { name: error.name, message: error.message };
  return { name: "Error", message: String(error) };
}

export function serveEmbedder(port: MessagePortLike, createEmbedder: EmbedderFactory): void {
  let embedder: Embedder | null = null;
  const running = new Map<number, AbortController>();
  let queue: Promise<void> = Promise.resolve();
  const send = (message: WorkerResponse, transfer?: Transferable[]) => port.postMessage(message, transfer);

  const handle = async (request: Exclude<WorkerRequest, { type: "cancel" }>, signal: AbortSignal): Promise<void> => {
    switch (request.type) {
      case "init": {
        await embedder?.dispose();
        embedder = createEmbedder(request.options, (p) => send({ type: "progress", ...p }));
        await embedder.init(signal);
        send({ type: "ready", id: request.id, dims: embedder.dims, embedderId: embedder.id });
        return;
      }
      case "embed": {
        if (!embedder) throw new Error("The embedding worker has no model loaded.");
        const vectors = request.query
          ? [await embedder.embedQuery(request.texts[0] ?? "", signal)]
          : await embedder.embedDocuments(request.texts, signal);
        const dims = vectors[0]?.length ?? embedder.dims;
        const data = new Float32Array(vectors.length * dims);
        vectors.forEach((v, i) => data.set(v, i * dims));
        send({ type: "vectors", id: request.id, dims, count: vectors.length, data }, [data.buffer]);
        return;
      }
      case "dispose": {
        await embedder?.dispose();
        embedder = null;
        send({ type: "done", id: request.id });
        return;
      }
    }
  };

  port.addEventListener("message", (event: MessageEvent) => {
    const request = event.data as WorkerRequest;
    if (request.type === "cancel") {
      running.get(request.id)?.abort();
      return;
    }
    const controller = new AbortController();
    running.set(request.id, controller);
    queue = queue.then(async () => {
      try {
        if (controller.signal.aborted) throw new DOMException("The embedding was cancelled.", "AbortError");
        await handle(request, controller.signal);
      } catch (error) {
        send({ type: "error", id: request.id, ...errorFields(error) });
      } finally {
        running.delete(request.id);
      }
    });
  });
}
