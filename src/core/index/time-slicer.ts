// Long jobs on the main thread (saving a 100k-chunk index takes seconds) run in slices of a few
// milliseconds and give the event loop back in between, so Obsidian keeps drawing and answering
// input. The slicer measures time rather than counting items: item costs vary by orders of
// magnitude (a stopword's postings against a rare term's), a clock does not.

/** Lets queued tasks, timers, I/O and (in a browser) input and rendering run before the caller
 *  continues. In a page (Obsidian's window) a message to a MessageChannel, which queues a real task;
 *  in Node setImmediate. Not setTimeout(0): browsers clamp a chain of those to 4 ms a step (Node to
 *  1 ms), which would double the length of a job made of short slices. */
export function yieldToEventLoop(): Promise<void> {
  const inPage = typeof window !== "undefined" || typeof setImmediate !== "function";
  if (inPage && typeof MessageChannel === "function") return viaChannel();
  if (typeof setImmediate === "function") return new Promise((resolve) => setImmediate(resolve));
  return new Promise((resolve) => setTimeout(resolve, 0));
}

let channel: MessageChannel | null = null;
const waiting: (() => void)[] = [];

function viaChannel(): Promise<void> {
  if (!channel) {
    channel = new MessageChannel();
    channel.port1.onmessage = () => waiting.shift()?.();
    // Node's ports (a DOM emulated in Node) would otherwise keep the process alive once idle.
    (channel.port1 as { unref?: () => void }).unref?.();
  }
  const port = channel.port2;
  return new Promise((resolve) => {
    waiting.push(resolve);
    port.postMessage(null);
  });
}

/** Default work per slice. Well under the 50 ms that browsers call a long task, with room for the
 *  one indivisible step (a large memcpy, encoding one piece of text) that may follow a check. */
export const SLICE_MS = 8;

export class TimeSlicer {
  private sliceStart: number;
  /** Times the job gave the event loop back (for tests and benchmarks). */
  yields = 0;

  constructor(private readonly budgetMs = SLICE_MS) {
    this.sliceStart = now();
  }

  /** True when the current slice has used its budget. */
  get due(): boolean {
    return now() - this.sliceStart >= this.budgetMs;
  }

  /** Yields to the event loop if the current slice has used its budget; cheap to call often. */
  async pause(): Promise<void> {
    if (this.due) await this.yieldNow();
  }

  async yieldNow(): Promise<void> {
    this.yields++;
    await yieldToEventLoop();
    this.sliceStart = now();
  }
}

function now(): number {
  return typeof performance !== "undefined" ? performance.now() : Date.now();
}
