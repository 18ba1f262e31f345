// The text of a concept note: frontmatter (title, aliases, sources, generated, scholia-hash), a
// `From:` line, sections of claims each followed by its citations, and links to related notes. The
// hash covers the body only, so the `generated` time never makes two identical notes differ, and
// Obsidian reformatting the properties never makes a note look edited.
import type { Chunk } from "../types";
import { sha256Hex } from "../util/hash";
import { citation, fileLink, type LinkBuilder } from "./citations";
import type { MentionLinker } from "./linker";
import type { ConceptDraft, ResolvedClaim, TimestampStyle } from "./types";

export const EXTRACT_CALLOUT =
  "> [!quote] Extracted from the source without an LLM\n" +
  "> The sentences below are quoted from the source as written, each with its citation.";

/** Keys Scholia writes; on regeneration any other key a person added is carried over. */
const OWN_KEYS = new Set(["title", "aliases", "sources", "videoId", "generated", "scholia-hash"]);
const MAX_REFS_PER_CLAIM = 3;

export interface BodyInput {
  draft: ConceptDraft;
  /** The note's own path (never linked to itself). */
  path: string;
  extractive: boolean;
  timestampStyle: TimestampStyle;
  links: LinkBuilder;
  linker: MentionLinker;
  /** Paths of notes written in the same run that this one relates to. */
  related: string[];
}

/** Vault paths of the documents a draft cites, in order of first citation. */
export function citedSources(draft: ConceptDraft): string[] {
  const out: string[] = [];
  const add = (c: Chunk) => {
    if (!out.includes(c.path)) out.push(c.path);
  };
  draft.summaryRefs.forEach(add);
  for (const s of draft.sections) for (const cl of s.claims) cl.refs.forEach(add);
  return out;
}

/** One claim with its citations placed before the final full stop, as the example notes do. */
export function renderClaim(claim: ResolvedClaim, input: BodyInput, used: Set<string>): string {
  const text = input.linker.linkify(claim.text, input.path, used);
  const cites = uniqueCitations(claim.refs, input).join(" ");
  const m = /^([\s\S]*?)([.!?]["'”’)]*)$/.exec(text);
  return m ? `${m[1]} ${cites}${m[2]}` : `${text} ${cites}`;
}

function uniqueCitations(refs: Chunk[], input: BodyInput): string[] {
  const out: string[] = [];
  for (const r of refs) {
    const c = citation(input.links, r, input.timestampStyle);
    if (!out.includes(c)) out.push(c);
    if (out.length >= MAX_REFS_PER_CLAIM) break;
  }
  return out;
}

export function renderBody(input: BodyInput): string {
  const { draft, links } = input;
  const lines: string[] = [];
  lines.push(`From: ${citedSources(draft).map((p) => fileLink(links, p)).join(", ")}`, "");
  if (input.extractive) lines.push(EXTRACT_CALLOUT, "");
  if (draft.summaryRefs.length) {
    lines.push(renderClaim({ text: draft.summary, refs: draft.summaryRefs }, input, new Set()), "");
  }
  for (const section of draft.sections) {
    lines.push(`## ${section.heading.replace(/\s+/g, " ").replace(/^#+\s*/, "")}`);
    const used = new Set<string>();
    const claims = section.claims.map((cl) => renderClaim(cl, input, used));
    if (input.extractive) lines.push(...claims.map((c) => `- ${c}`));
    else lines.push(claims.join(" "));
    lines.push("");
  }
  const related = input.related.filter((p) => p !== input.path);
  if (related.length) lines.push(`Related: ${related.map((p) => fileLink(links, p)).join(", ")}`, "");
  return `${lines.join("\n").trimEnd()}\n`;
}

const q = (s: string) => JSON.stringify(s);

export interface FrontmatterInput {
  title: string;
  aliases: string[];
  /** Wiki-links to the sources, e.g. `[[paper.pdf]]`. */
  sources: string[];
  videoId?: string;
  generated: Date;
  hash: string;
  /** Verbatim YAML blocks of keys a person added, kept on regeneration. */
  extra?: string;
}

export function renderFrontmatter(f: FrontmatterInput): string {
  const list = (items: string[]) => (items.length ? `\n${items.map((i) => `  - ${q(i)}`).join("\n")}` : " []");
  const lines = [
    "---",
    `title: ${q(f.title)}`,
    `aliases:${list(f.aliases)}`,
    `sources:${list(f.sources)}`,
    ...(f.videoId ? [`videoId: ${f.videoId}`] : []),
    ...(f.extra ? [f.extra.trimEnd()] : []),
    `generated: ${f.generated.toISOString()}`,
    `scholia-hash: ${f.hash}`,
    "---",
  ];
  return `${lines.join("\n")}\n`;
}

export async function bodyHash(body: string): Promise<string> {
  return sha256Hex(body);
}

/** Splits a note into its YAML frontmatter (without the fences) and the body after the closing fence. */
export function splitFrontmatter(text: string): { frontmatter: string | null; body: string } {
  const m = /^---\r?\n([\s\S]*?)\r?\n---[ \t]*(?:\r?\n|$)/.exec(text);
  if (!m) return { frontmatter: null, body: text };
  return { frontmatter: m[1], body: text.slice(m[0].length) };
}

export function readScholiaHash(frontmatter: string | null): string | undefined {
  return frontmatter ? /^scholia-hash:\s*["']?([0-9a-f]{64})["']?\s*$/m.exec(frontmatter)?.[1] : undefined;
}

/** Top-level YAML blocks whose key Scholia does not own, verbatim. */
export function foreignFrontmatter(frontmatter: string | null): string {
  if (!frontmatter) return "";
  const blocks: Array<{ key: string; lines: string[] }> = [];
  for (const line of frontmatter.split(/\r?\n/)) {
    const key = /^([^\s:#-][^:]*):/.exec(line)?.[1];
    if (key !== undefined) blocks.push({ key: key.trim(), lines: [line] });
    else if (blocks.length) blocks[blocks.length - 1].lines.push(line);
  }
  return blocks
    .filter((b) => !OWN_KEYS.has(b.key))
    .map((b) => b.lines.join("\n"))
    .join("\n");
}

/** The claims of a body as lowercase plain words, to tell which new claims a person's note lacks. */
export function plainWords(markdown: string): string {
  return markdown
    .replace(/\[\[[^\]|]*\|([^\]]*)\]\]/g, "$1")
    .replace(/\[\[([^\]]*)\]\]/g, "$1")
    .replace(/\[([^\]]*)\]\([^)]*\)/g, "$1")
    .replace(/<[^>]+>/g, " ")
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, " ")
    .trim();
}
