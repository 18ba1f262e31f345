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
}

const started: StartedWorker[] = [];

export function startedWorkers(): StartedWorker[] {
  return started.map((w) => ({ ...w, models: w.models.slice() }));
}

export function redirectModelDownloads(remoteHost: string): void {
  const NativeWorker = window.Worker;
  class HubWorker extends NativeWorker {
    private readonly record: StartedWorker;

    constructor(url: string | URL, options?: WorkerOptions) {
      super(url, options);
      this.record = { name: options?.name ?? "", type: options?.type ?? "classic", scheme: new URL(String(url), location.href).protocol, models: [] };
      started.push(this.record);
    }

    override postMessage(message: unknown, transfer?: Transferable[] | StructuredSerializeOptions): void {
      const request = message as WorkerRequest;
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
