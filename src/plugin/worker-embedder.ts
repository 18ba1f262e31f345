// The Obsidian side of local embeddings: an Embedder whose model runs in a Web Worker, so loading a
// model and embedding thousands of chunks never freezes the editor. Requests and vectors cross the
// thread boundary as messages; vectors come back as one transferred buffer per call.
import type { Embedder } from "../core/embed/embedder";
import { embedderIdFor, type DownloadProgress } from "../core/embed/transformers-embedder";
import type { WorkerModelOptions, WorkerRequest, WorkerResponse } from "../worker/protocol";

/** What the embedder needs of a Worker (a real one in Obsidian, a MessagePort in tests). */
export interface WorkerLike {
  postMessage(message: unknown, transfer?: Transferable[]): void;
  addEventListener(type: "message", listener: (event: MessageEvent) => void): void;
  addEventListener(type: "error", listener: (event: ErrorEvent) => void): void;
  terminate(): void;
}

export interface WorkerEmbedderOptions extends WorkerModelOptions {
  onProgress?: (progress: DownloadProgress) => void;
}

interface Pending {
  resolve: (response: WorkerResponse) => void;
  reject: (error: Error) => void;
}

function abortError(): Error {
  return new DOMException("The embedding was cancelled.", "AbortError");
}

export class WorkerEmbedder implements Embedder {
  readonly id: string;
  private _dims = 0;
  private worker: WorkerLike | null = null;
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();
  private ready: Promise<void> | null = null;
  /** Counts worker restarts, so a call that began before a crash fails instead of hitting a new,
   *  model-less worker. */
  private generation = 0;
  private lastStop: Error | null = null;

  constructor(
    private readonly options: WorkerEmbedderOptions,
    private readonly createWorker: () => WorkerLike,
  ) {
    this.id = embedderIdFor(options.model);
  }

  get dims(): number {
    return this._dims;
  }

  init(signal?: AbortSignal): Promise<void> {
    if (!this.ready) {
      const { onProgress: _ignored, ...modelOptions } = this.options;
      this.ready = this.request({ type: "init", options: modelOptions }, signal).then(
        (response) => {
          if (response.type === "ready") this._dims = response.dims;
        },
        (error: unknown) => {
          this.ready = null;
          throw error;
        },
      );
    }
    return this.ready;
  }

  async embedDocuments(texts: string[], signal?: AbortSignal): Promise<Float32Array[]> {
    if (texts.length === 0) return [];
    await this.ensureReady(signal);
    return this.unpack(await this.request({ type: "embed", texts, query: false }, signal));
  }

  async embedQuery(text: string, signal?: AbortSignal): Promise<Float32Array> {
    await this.ensureReady(signal);
    const [vector] = this.unpack(await this.request({ type: "embed", texts: [text], query: true }, signal));
    return vector;
  }

  private async ensureReady(signal?: AbortSignal): Promise<void> {
    const generation = this.generation;
    await this.init(signal);
    if (generation !== this.generation && this.lastStop) throw this.lastStop;
  }

  async dispose(): Promise<void> {
    const worker = this.worker;
    if (!worker) return;
    await this.request({ type: "dispose" }).catch(() => undefined);
    worker.terminate();
    this.stopped(new Error("The embedding worker was closed."));
  }

  private unpack(response: WorkerResponse): Float32Array[] {
    if (response.type !== "vectors") throw new Error("The embedding worker sent an unexpected reply.");
    const { data, dims, count } = response;
    const out: Float32Array[] = [];
    for (let i = 0; i < count; i++) out.push(data.subarray(i * dims, (i + 1) * dims));
    return out;
  }

  private spawn(): WorkerLike {
    if (this.worker) return this.worker;
    const worker = this.createWorker();
    worker.addEventListener("message", (event: MessageEvent) => this.receive(event.data as WorkerResponse));
    worker.addEventListener("error", (event: ErrorEvent) => {
      worker.terminate();
      this.stopped(new Error(`The embedding worker stopped: ${event.message || "unknown error"}.`));
    });
    this.worker = worker;
    return worker;
  }

  /** Fails everything in flight; the next call starts a fresh worker and reloads the model. */
  private stopped(error: Error): void {
    this.generation++;
    this.lastStop = error;
    this.worker = null;
    this.ready = null;
    for (const p of this.pending.values()) p.reject(error);
    this.pending.clear();
  }

  private receive(response: WorkerResponse): void {
    if (response.type === "progress") {
      this.options.onProgress?.({ file: response.file, loaded: response.loaded, total: response.total });
      return;
    }
    const pending = this.pending.get(response.id);
    if (!pending) return;
    this.pending.delete(response.id);
    if (response.type === "error") {
      const error = response.name === "AbortError" ? abortError() : new Error(response.message);
      pending.reject(error);
    } else {
      pending.resolve(response);
    }
  }

  private request(message: DistributiveOmit<WorkerRequest, "id">, signal?: AbortSignal): Promise<WorkerResponse> {
    if (signal?.aborted) return Promise.reject(abortError());
    const worker = this.spawn();
    const id = this.nextId++;
    return new Promise<WorkerResponse>((resolve, reject) => {
      const onAbort = () => {
        worker.postMessage({ type: "cancel", id } satisfies WorkerRequest);
        this.pending.delete(id);
        reject(abortError());
      };
      signal?.addEventListener("abort", onAbort, { once: true });
      const done = () => signal?.removeEventListener("abort", onAbort);
      this.pending.set(id, {
        resolve: (r) => {
          done();
          resolve(r);
        },
        reject: (e) => {
          done();
          reject(e);
        },
      });
      worker.postMessage({ ...message, id });
    });
  }
}

type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;
