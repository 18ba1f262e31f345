// YAML frontmatter as Obsidian reads it: a `---` line at the very top, closed by `---` (or `...`).
// A note with broken YAML is still a note: its text is indexed as body and the run hears why.

import { parse as parseYaml } from "yaml";

export interface Frontmatter {
  /** The parsed mapping, or {} when absent or unusable. */
  data: Record<string, unknown>;
  /** Text after the frontmatter (the whole text when there is none or it is broken). */
  body: string;
  /** 0-based line in the file where `body` starts. */
  bodyLine: number;
  warning?: string;
}

const OPEN = /^---[ \t]*\r?\n/;
const CLOSE = /^(?:---|\.\.\.)[ \t]*$/;

export function splitFrontmatter(text: string): Frontmatter {
  const open = OPEN.exec(text);
  if (!open) return { data: {}, body: text, bodyLine: 0 };
  // Walk line by line to find the closing fence; a regex over the whole note could scan 10 MB.
  let pos = open[0].length;
  let line = 1;
  while (pos <= text.length) {
    const nl = text.indexOf("\n", pos);
    const end = nl < 0 ? text.length : nl;
    const current = text.slice(pos, end).replace(/\r$/, "");
    if (CLOSE.test(current)) {
      const yamlText = text.slice(open[0].length, pos);
      const bodyStart = nl < 0 ? text.length : nl + 1;
      const result = parseMapping(yamlText);
      if (result.warning !== undefined) return { data: {}, body: text, bodyLine: 0, warning: result.warning };
      return { data: result.data, body: text.slice(bodyStart), bodyLine: line + 1 };
    }
    if (nl < 0) break;
    pos = nl + 1;
    line++;
  }
  // An opening `---` with no closing fence is a thematic break to Obsidian, not frontmatter.
  return { data: {}, body: text, bodyLine: 0 };
}

function parseMapping(yamlText: string): { data: Record<string, unknown>; warning?: string } {
  if (yamlText.trim() === "") return { data: {} };
  try {
    const value: unknown = parseYaml(yamlText, { maxAliasCount: 100, prettyErrors: false });
    if (value === null || value === undefined) return { data: {} };
    if (typeof value !== "object" || Array.isArray(value)) {
      return { data: {}, warning: "frontmatter is not a key: value mapping; read as body text" };
    }
    return { data: value as Record<string, unknown> };
  } catch (err) {
    const detail = err instanceof Error ? err.message.split("\n")[0] : String(err);
    return { data: {}, warning: `invalid frontmatter YAML (${detail}); read as body text` };
  }
}

/** A frontmatter value as a list of strings: YAML lists, or a string split at commas/whitespace. */
export function stringList(value: unknown, splitOnSpaces: boolean): string[] {
  const out: string[] = [];
  const push = (s: string) => {
    const t = s.trim();
    if (t !== "") out.push(t);
  };
  if (Array.isArray(value)) {
    for (const v of value) if (typeof v === "string" || typeof v === "number") push(String(v));
  } else if (typeof value === "string") {
    for (const part of value.split(splitOnSpaces ? /[,\s]+/ : /,/)) push(part);
  } else if (typeof value === "number") {
    push(String(value));
  }
  return out;
}

/** A scalar frontmatter value as a string, or undefined. */
export function stringValue(value: unknown): string | undefined {
  if (typeof value === "string") return value.trim() === "" ? undefined : value.trim();
  if (typeof value === "number") return String(value);
  return undefined;
}
