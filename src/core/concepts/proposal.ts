// Checks the model's concept JSON by hand (no schema library in the bundle) and maps passage ids to the
// chunks they stand for. A claim without a valid id is dropped, never given a made-up citation.
import type { Chunk } from "../types";
import type { PassageTable } from "./passages";
import type { ConceptDraft, ConceptSection, ResolvedClaim } from "./types";

export interface RawClaim {
  text: string;
  cites: string[];
}

export interface RawConcept {
  title: string;
  aliases: string[];
  summary: RawClaim;
  sections: Array<{ heading: string; claims: RawClaim[] }>;
  related: string[];
}

export type ProposalCheck = { ok: true; concepts: RawConcept[] } | { ok: false; error: string };

/** The JSON object inside a reply that may wrap it in prose or a ```json fence. */
export function extractJson(reply: string): unknown {
  const fenced = /```(?:json)?\s*([\s\S]*?)```/i.exec(reply);
  const body = fenced ? fenced[1] : reply;
  const start = body.indexOf("{");
  const end = body.lastIndexOf("}");
  if (start < 0 || end <= start) throw new SyntaxError("the reply contains no JSON object");
  return JSON.parse(body.slice(start, end + 1));
}

const isObj = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);

/** Validates shape and content; the error names the first problem precisely, so a retry can fix it. */
export function checkProposal(reply: string, table: PassageTable, maxConcepts: number): ProposalCheck {
  let data: unknown;
  try {
    data = extractJson(reply);
  } catch (e) {
    return { ok: false, error: `The reply is not valid JSON (${(e as Error).message}).` };
  }
  if (!isObj(data) || !Array.isArray(data.concepts)) {
    return { ok: false, error: 'The JSON must be an object with a "concepts" array.' };
  }
  if (data.concepts.length === 0) return { ok: false, error: 'The "concepts" array is empty.' };
  const concepts: RawConcept[] = [];
  for (const [i, c] of data.concepts.slice(0, maxConcepts).entries()) {
    const where = `concepts[${i}]`;
    if (!isObj(c)) return { ok: false, error: `${where} must be an object.` };
    if (typeof c.title !== "string" || !cleanTitle(c.title)) {
      return { ok: false, error: `${where}.title must be a non-empty string.` };
    }
    if (c.aliases !== undefined && !isStringArray(c.aliases)) {
      return { ok: false, error: `${where}.aliases must be an array of strings.` };
    }
    const summary = claimOf(c.summary);
    if (!summary) return { ok: false, error: `${where}.summary must be {"text": string, "cites": [ids]}.` };
    if (!Array.isArray(c.sections) || c.sections.length === 0) {
      return { ok: false, error: `${where}.sections must be a non-empty array.` };
    }
    const sections: RawConcept["sections"] = [];
    for (const [j, s] of c.sections.entries()) {
      if (!isObj(s) || !Array.isArray(s.claims)) {
        return { ok: false, error: `${where}.sections[${j}] must be {"heading": string, "claims": [...]}.` };
      }
      const claims: RawClaim[] = [];
      for (const [k, cl] of s.claims.entries()) {
        const claim = claimOf(cl);
        if (!claim) {
          return { ok: false, error: `${where}.sections[${j}].claims[${k}] must be {"text": string, "cites": [ids]}.` };
        }
        claims.push(claim);
      }
      sections.push({ heading: typeof s.heading === "string" ? s.heading : "", claims });
    }
    concepts.push({
      title: c.title,
      aliases: isStringArray(c.aliases) ? c.aliases : [],
      summary,
      sections,
      related: isStringArray(c.related) ? c.related : [],
    });
  }
  const anyValid = concepts.some((c) => [c.summary, ...c.sections.flatMap((s) => s.claims)].some((cl) => cl.cites.some((id) => table.byId.has(id))));
  if (!anyValid) {
    return { ok: false, error: 'No claim cites a passage id from the list (ids look like "P3"); every claim needs "cites".' };
  }
  return { ok: true, concepts };
}

function isStringArray(v: unknown): v is string[] {
  return Array.isArray(v) && v.every((x) => typeof x === "string");
}

/** Accepts {"text","cites"} and, leniently, a bare string whose ids are written inline. */
function claimOf(v: unknown): RawClaim | null {
  if (typeof v === "string") return v.trim() ? { text: v, cites: [] } : null;
  if (!isObj(v) || typeof v.text !== "string" || !v.text.trim()) return null;
  if (v.cites !== undefined && !Array.isArray(v.cites)) return null;
  // A bare number is not read as "P<number>": it may be the paper's own reference "[12]".
  const cites = (Array.isArray(v.cites) ? v.cites : []).map((x) => String(x));
  return { text: v.text, cites };
}

/** One line of plain text: the model's own links, tags and inline ids removed (ids are harvested). */
export function cleanClaimText(text: string): { text: string; inlineIds: string[] } {
  const inlineIds: string[] = [];
  let s = text.replace(/[[(]\s*(P\d+(?:\s*[,;]\s*P\d+)*)\s*[\])]/g, (_, ids: string) => {
    inlineIds.push(...ids.split(/\s*[,;]\s*/));
    return "";
  });
  return { text: stripMarkup(s), inlineIds };
}

/** Plain inline text: links become their text (a source's own links may point nowhere in this
 *  vault), embeds and HTML go, and nothing at the start can turn the line into a heading, quote or
 *  list item. */
export function stripMarkup(text: string): string {
  return text
    .replace(/!\[\[[^\]]*\]\]/g, "")
    .replace(/\[\[([^\]|]*)\|([^\]]*)\]\]/g, "$2")
    .replace(/\[\[([^\]#]*)(?:#[^\]]*)?\]\]/g, "$1")
    .replace(/!?\[([^\]]*)\]\((?:[^)]*)\)/g, "$1")
    .replace(/<[^>]+>/g, "")
    .replace(/\s+/g, " ")
    .replace(/\s+([.,;:!?])/g, "$1")
    .trim()
    .replace(/^(?:[#>]+\s*|[-*+]\s+|\d+[.)]\s+)+/, "");
}

export function cleanTitle(title: string): string {
  return cleanClaimText(title).text.replace(/^#+\s*/, "").replace(/[*_`]/g, "").slice(0, 120).trim();
}

function resolveClaim(raw: RawClaim, table: PassageTable, unknown: Set<string>): ResolvedClaim | null {
  const { text, inlineIds } = cleanClaimText(raw.text);
  if (!text) return null;
  const refs: Chunk[] = [];
  for (const id of [...raw.cites, ...inlineIds].map((x) => x.trim().replace(/^\[|\]$/g, ""))) {
    const chunk = table.byId.get(id);
    if (!chunk) unknown.add(id);
    else if (!refs.includes(chunk)) refs.push(chunk);
  }
  return refs.length ? { text, refs } : null;
}

/** Maps ids to chunks, drops uncited claims and empty sections, merges duplicate titles. Warnings
 *  say what was dropped so the preview can show it. */
export function resolveConcepts(raw: RawConcept[], table: PassageTable, warnings: string[]): ConceptDraft[] {
  const out: ConceptDraft[] = [];
  const seen = new Set<string>();
  const unknown = new Set<string>();
  let dropped = 0;
  for (const c of raw) {
    const title = cleanTitle(c.title);
    if (seen.has(title.toLowerCase())) {
      warnings.push(`The model proposed "${title}" twice; the second was ignored.`);
      continue;
    }
    const sections: ConceptSection[] = [];
    for (const s of c.sections) {
      const claims: ResolvedClaim[] = [];
      for (const cl of s.claims) {
        const r = resolveClaim(cl, table, unknown);
        if (r) claims.push(r);
        else dropped++;
      }
      const heading = cleanTitle(s.heading) || "Overview";
      if (claims.length) sections.push({ heading, claims });
    }
    const summary = resolveClaim(c.summary, table, unknown);
    if (!sections.length && !summary) {
      warnings.push(`"${title}" was left out: none of its claims cites a passage it was given.`);
      continue;
    }
    seen.add(title.toLowerCase());
    const aliases = uniqueCi(c.aliases.map(cleanTitle).filter((a) => a && a.toLowerCase() !== title.toLowerCase())).slice(0, 8);
    out.push({
      title,
      aliases,
      summary: summary?.text ?? cleanClaimText(c.summary.text).text,
      summaryRefs: summary?.refs ?? [],
      sections,
      related: c.related.map(cleanTitle).filter(Boolean),
    });
  }
  if (dropped) warnings.push(`${dropped} claim${dropped === 1 ? "" : "s"} without a valid passage id ${dropped === 1 ? "was" : "were"} dropped.`);
  if (unknown.size) warnings.push(`The model cited passage ids that do not exist: ${[...unknown].slice(0, 10).join(", ")}.`);
  return out;
}

export function uniqueCi(items: string[]): string[] {
  const seen = new Set<string>();
  return items.filter((x) => {
    const k = x.toLowerCase();
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}
