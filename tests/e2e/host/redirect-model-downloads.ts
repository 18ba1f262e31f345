// Test-only: sends the plugin's model downloads to a loopback hub instead of huggingface.co. The page
// has no network, and the plugin has no setting for a hub mirror; the worker protocol does carry one
// (WorkerModelOptions.remoteHost, which the worker hands to transformers.js as env.remoteHost). So the
// page's Worker constructor is wrapped, and every "init" message the plugin posts to a worker gets
// `remoteHost` added. Nothing else about the worker changes: it is main.js's own inlined bundle.
// The wrapper also notes each worker started, so a test can tell the model ran in one.
import type { WorkerRequest } from "../../../src/worker/protocol";

export interface StartedWorker {
  name: string;
  type: string;
  /** The scheme of the script URL: main.js starts its worker from a Blob of inlined source. */
  scheme: string;
  /** Models this worker was asked to load. */
  models: string[];
  /** Requests the plugin posted to it, by type ("init", "embed", …); query embeddings count as "query". */
  posted: Record<string, number>;
  /** Replies it sent back, by type ("ready", "vectors", "progress", …). */
  replies: Record<string, number>;
  /** Whether the page terminated it. */
  terminated: boolean;
}

function count(tally: Record<string, number>, message: unknown): void {
  const m = message && typeof message === "object" ? (message as { type?: unknown; query?: unknown }) : {};
  const type = m.type === "embed" && m.query === true ? "query" : typeof m.type === "string" ? m.type : "(other)";
  tally[type] = (tally[type] ?? 0) + 1;
}

const started: StartedWorker[] = [];

export function startedWorkers(): StartedWorker[] {
  return started.map((w) => ({ ...w, models: w.models.slice(), posted: { ...w.posted }, replies: { ...w.replies } }));
}

export function redirectModelDownloads(remoteHost: string): void {
  const NativeWorker = window.Worker;
  class HubWorker extends NativeWorker {
    private readonly record: StartedWorker;

    constructor(url: string | URL, options?: WorkerOptions) {
      super(url, options);
      const record: StartedWorker = { name: options?.name ?? "", type: options?.type ?? "classic", scheme: new URL(String(url), location.href).protocol, models: [], posted: {}, replies: {}, terminated: false };
      this.record = record;
      started.push(record);
      this.addEventListener("message", (event) => count(record.replies, event.data));
    }

    override terminate(): void {
      this.record.terminated = true;
      super.terminate();
    }

    override postMessage(message: unknown, transfer?: Transferable[] | StructuredSerializeOptions): void {
      const request = message as WorkerRequest;
      count(this.record.posted, message);
      let rewritten = message;
      if (request && typeof request === "object" && request.type === "init") {
        this.record.models.push(request.options.model);
        rewritten = { ...request, options: { ...request.options, remoteHost } } satisfies WorkerRequest;
      }
      // Both overloads of Worker.postMessage take the second argument as it came.
      super.postMessage(rewritten, transfer as StructuredSerializeOptions);
    }
  }
  window.Worker = HubWorker;
}
