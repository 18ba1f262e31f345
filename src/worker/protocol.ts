// Messages between the Obsidian main thread (WorkerEmbedder) and the embedding worker. Plain data
// only: vectors travel as one flat Float32Array whose buffer is transferred, not copied.

export interface WorkerModelOptions {
  model: string;
  allowRemote?: boolean;
  dtype?: "q8" | "fp32" | "fp16";
  batchSize?: number;
  maxTokens?: number;
  remoteHost?: string;
}

export type WorkerRequest =
  | { type: "init"; id: number; options: WorkerModelOptions }
  | { type: "embed"; id: number; texts: string[]; query: boolean }
  | { type: "cancel"; id: number }
  | { type: "dispose"; id: number };

export type WorkerResponse =
  | { type: "ready"; id: number; dims: number; embedderId: string }
  | { type: "vectors"; id: number; dims: number; count: number; data: Float32Array }
  | { type: "done"; id: number }
  | { type: "error"; id: number; name: string; message: string }
  | { type: "progress"; file: string; loaded: number; total: number };

/** The two ends of a worker channel, as both a Worker and a worker's global scope provide them. */
export interface MessagePortLike {
  postMessage(message: unknown, transfer?: Transferable[]): void;
  addEventListener(type: "message", listener: (event: MessageEvent) => void): void;
}
