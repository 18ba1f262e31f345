// JSON.stringify for the headers of the index's data files, which hold whole lists (every vault
// file's entry, every interned string) that take tens of milliseconds to stringify on a large vault.
// Same text as JSON.stringify, written a few hundred elements at a time between yields.
import type { TimeSlicer } from "./time-slicer";

/** Array elements stringified between two looks at the clock. */
const STEP = 256;

/** JSON.stringify(items), in slices. */
export async function stringifyArraySliced(items: readonly unknown[], slicer: TimeSlicer): Promise<string> {
  const parts: string[] = [];
  for (let i = 0; i < items.length; i += STEP) {
    // JSON.stringify of a slice writes its elements exactly as it would inside the whole array
    // (undefined and functions become null in both), so only the brackets need trimming.
    parts.push(JSON.stringify(items.slice(i, i + STEP)).slice(1, -1));
    if (slicer.due) await slicer.yieldNow();
  }
  return `[${parts.join(",")}]`;
}

/** JSON.stringify(obj) for a plain object, its array-valued properties stringified in slices. */
export async function stringifyObjectSliced(obj: Readonly<Record<string, unknown>>, slicer: TimeSlicer): Promise<string> {
  const parts: string[] = [];
  for (const key of Object.keys(obj)) {
    const value = obj[key];
    // JSON.stringify leaves these properties out.
    if (value === undefined || typeof value === "function" || typeof value === "symbol") continue;
    const text = Array.isArray(value) ? await stringifyArraySliced(value, slicer) : JSON.stringify(value);
    parts.push(`${JSON.stringify(key)}:${text}`);
  }
  return `{${parts.join(",")}}`;
}
