// Pause and resume for a running indexing job. The job checks in between files and between
// embedding batches, so a pause takes effect within one batch; cancel is the AbortSignal.

export interface JobControl {
  readonly paused: boolean;
  pause(): void;
  resume(): void;
  /** Resolves immediately when running, otherwise on resume (or rejects when `signal` aborts). */
  waitIfPaused(signal?: AbortSignal): Promise<void>;
}

export function createJobControl(): JobControl {
  let paused = false;
  let waiters: (() => void)[] = [];
  return {
    get paused() {
      return paused;
    },
    pause() {
      paused = true;
    },
    resume() {
      paused = false;
      const w = waiters;
      waiters = [];
      for (const fn of w) fn();
    },
    waitIfPaused(signal?: AbortSignal): Promise<void> {
      if (!paused) return Promise.resolve();
      return new Promise<void>((resolve, reject) => {
        const onAbort = () => reject(abortError());
        if (signal?.aborted) return onAbort();
        signal?.addEventListener("abort", onAbort, { once: true });
        waiters.push(() => {
          signal?.removeEventListener("abort", onAbort);
          resolve();
        });
      });
    },
  };
}

export function abortError(): Error {
  const e = new Error("The indexing job was cancelled.");
  e.name = "AbortError";
  return e;
}

export function isAbortError(e: unknown): boolean {
  return e instanceof Error && e.name === "AbortError";
}
