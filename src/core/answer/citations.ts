// Code, not the model, decides what a citation points to. This module takes the model's text with
// passage ids ([S1]), keeps the ids that exist, drops and reports the ones that do not, marks claims
// left without a source, renumbers the citations 1..n in order of first use, writes every link through
// the LinkBuilder, and ends the answer with a Sources list.
import type { Chunk, SourceKind } from "../types";
import { contentTerms, stemSet, termIn } from "../search/query-terms";
import type { LinkBuilder } from "./links";
import { cleanExtractedText, splitSentences } from "./sentences";

/** Appended to a sentence that states something but cites nothing. Wikipedia's marker: every reader
 *  knows it means "this claim has no source", and it cannot be mistaken for a citation number. */
export const NO_SOURCE_MARK = "[citation needed]";
export const SOURCES_HEADING = "**Sources**";

export interface Citation {
  /** 1..n in order of first use in the answer. */
  n: number;
  /** The passage id the model cited ("S3"). */
  id: string;
  path: string;
  kind: SourceKind;
  title?: string;
  page?: number;
  start?: number;
  end?: number;
  headings?: string[];
  /** The canonical link to the place ("[[a.pdf#page=7&selection=…|AlexNet, p. 7]]"). */
  link: string;
  /** Transcript: URL that plays the video from the cited second. */
  videoUrl?: string;
  /** The passage sentence that best supports the claims citing it. */
  quote: string;
}

export interface CitedAnswer {
  /** Markdown: the answer with inline citation links, then the Sources list. */
  answer: string;
  citations: Citation[];
  /** Ids the model cited that are not passages, as written ("S9", "12"). */
  dropped: string[];
  /** Sentences marked with NO_SOURCE_MARK. */
  uncited: number;
}

export interface ResolveOptions {
  /** Passage id → chunk, for the passages the model was shown. */
  passages: Map<string, Chunk>;
  links: LinkBuilder;
  /** Remove numeric markers ("[12]") the model copied from papers (model answers only; an extractive
   *  answer quotes them as part of the document). */
  stripNumericMarkers?: boolean;
  /** Neutralize links the model wrote itself (model answers: a document could have told it to). */
  stripModelLinks?: boolean;
  /** Text after this line (e.g. a labelled general-knowledge paragraph) is left as it is. */
  uncheckedTail?: string;
}

const ID_PART = String.raw`(?:S|Source\s*|Passage\s*)?\d+(?:\s*[-–]\s*(?:S|Source\s*|Passage\s*)?\d+)?`;
const GROUP = new RegExp(String.raw`[[【]\s*((?:S|Source\s*|Passage\s*)\d+(?:\s*[-–]\s*(?:S|Source\s*|Passage\s*)?\d+)?(?:\s*[,;]\s*${ID_PART})*)\s*[\]】]`, "gi");
const NUMERIC_MARKER = /\[(\d{1,3}(?:\s*[,–-]\s*\d{1,3})*)\](?!\()/g;
// Private-use characters stand in for citation groups while sentences are split.
const MARK = (i: number) => `\uE000${i}\uE001`;
const MARK_RE = /\uE000(\d+)\uE001/g;

export function resolveCitations(text: string, options: ResolveOptions): CitedAnswer {
  const dropped: string[] = [];
  const groups: string[][] = [];
  let body = text;
  let tail = "";
  if (options.uncheckedTail) {
    const at = body.indexOf(options.uncheckedTail);
    if (at >= 0) {
      tail = body.slice(at);
      body = body.slice(0, at);
    }
  }
  if (options.stripModelLinks) body = stripLinks(body);

  body = body.replace(GROUP, (_all, inner: string) => {
    const ids: string[] = [];
    for (const raw of expandIds(inner)) {
      if (options.passages.has(raw)) ids.push(raw);
      else if (!dropped.includes(raw)) dropped.push(raw);
    }
    if (ids.length === 0) return "";
    groups.push(ids);
    return MARK(groups.length - 1);
  });
  if (options.stripNumericMarkers) {
    body = body.replace(NUMERIC_MARKER, (_all, inner: string) => {
      for (const n of inner.split(/\s*[,–-]\s*/)) if (!dropped.includes(n)) dropped.push(n);
      return "";
    });
  }

  // Number in order of first use, then render each run of markers as one inline group.
  const order: string[] = [];
  const cited = new Map<string, string[]>(); // id → claim sentences
  let uncited = 0;
  const lines = body.split("\n");
  let inCode = false;
  const outLines = lines.map((line) => {
    if (/^\s*(```|~~~)/.test(line)) {
      inCode = !inCode;
      return line;
    }
    if (inCode) return line;
    return processLine(line, groups, (sentence, ids) => {
      for (const id of ids) {
        if (!order.includes(id)) order.push(id);
        const claims = cited.get(id) ?? [];
        claims.push(sentence);
        cited.set(id, claims);
      }
      if (ids.length === 0 && isClaim(sentence)) {
        uncited++;
        return false;
      }
      return true;
    });
  });

  const numberOf = new Map(order.map((id, i) => [id, i + 1]));
  let rendered = outLines
    .join("\n")
    .replace(/(?:\s*\uE000\d+\uE001)+/g, (run) => {
      const ids: string[] = [];
      for (const m of run.matchAll(MARK_RE)) for (const id of groups[Number(m[1])]) if (!ids.includes(id)) ids.push(id);
      ids.sort((a, b) => numberOf.get(a)! - numberOf.get(b)!);
      return ` (${ids.map((id) => options.links.withAlias(options.passages.get(id)!, String(numberOf.get(id)))).join(", ")})`;
    })
    .replace(/[ \t]+([.,;:!?])/g, "$1")
    .replace(/[ \t]{2,}/g, " ")
    .trim();
  if (tail) rendered = `${rendered}\n\n${tail.trim()}`;

  const citations: Citation[] = order.map((id, i) => {
    const chunk = options.passages.get(id)!;
    const links = options.links.forChunk(chunk);
    const c: Citation = { n: i + 1, id, path: chunk.path, kind: chunk.kind, link: links.link, quote: bestQuote(chunk.text, cited.get(id) ?? []) };
    if (chunk.title) c.title = chunk.title;
    if (chunk.page !== undefined) c.page = chunk.page;
    if (chunk.start !== undefined) c.start = chunk.start;
    if (chunk.end !== undefined) c.end = chunk.end;
    if (chunk.headings?.length) c.headings = chunk.headings;
    if (links.videoUrl) c.videoUrl = links.videoUrl;
    return c;
  });

  const answer = citations.length ? `${rendered}\n\n${sourcesList(citations, options)}` : rendered;
  return { answer, citations, dropped, uncited };
}

/** Splits one line into sentences, calls `onSentence` with each sentence's text and cited ids, and
 *  marks the sentences it rejects. Citations written after the period move before it. */
function processLine(line: string, groups: string[][], onSentence: (sentence: string, ids: string[]) => boolean): string {
  const moved = line.replace(/([.!?])((?:\s*\uE000\d+\uE001)+)/g, "$2$1");
  const prefix = /^(\s*(?:#{1,6}\s|[-*+]\s|\d+[.)]\s|>\s*)*)/.exec(moved)?.[1] ?? "";
  const heading = /^\s*#{1,6}\s/.test(moved);
  const content = moved.slice(prefix.length);
  if (!content.trim() || heading || /^\s*\|/.test(content)) {
    // Headings and table rows state nothing on their own; citations in them still count.
    const ids: string[] = [];
    for (const m of content.matchAll(MARK_RE)) ids.push(...groups[Number(m[1])]);
    if (ids.length) onSentence(content, ids);
    return moved;
  }
  let out = prefix;
  let last = 0;
  for (const s of splitSentences(content)) {
    out += content.slice(last, s.start);
    const ids: string[] = [];
    for (const m of s.text.matchAll(MARK_RE)) ids.push(...groups[Number(m[1])]);
    const plain = s.text.replace(MARK_RE, "").trim();
    const keep = onSentence(plain, ids);
    out += keep ? s.text : markUncited(s.text);
    last = s.end;
  }
  return out + content.slice(last);
}

function markUncited(sentence: string): string {
  const m = /^(.*?)([.!?…]["'”’)]*)$/s.exec(sentence);
  return m ? `${m[1]} ${NO_SOURCE_MARK}${m[2]}` : `${sentence} ${NO_SOURCE_MARK}`;
}

/** A sentence that asserts something: enough words, not a question, not a lead-in to a list. */
export function isClaim(sentence: string): boolean {
  const s = sentence.replace(/[*_`>#]/g, "").trim();
  if (/[:?]$/.test(s)) return false;
  const words = s.match(/\p{L}{2,}/gu) ?? [];
  return words.length >= 4;
}

function expandIds(inner: string): string[] {
  const out: string[] = [];
  for (const part of inner.split(/\s*[,;]\s*/)) {
    const nums = part.match(/\d+/g)?.map(Number) ?? [];
    if (nums.length === 2 && /[-–]/.test(part) && nums[1] >= nums[0] && nums[1] - nums[0] < 20) {
      for (let n = nums[0]; n <= nums[1]; n++) out.push(`S${n}`);
    } else if (nums.length >= 1) out.push(`S${nums[0]}`);
  }
  return out;
}

/** Links the model wrote become their text: only code writes links, and a document could have asked
 *  the model to plant one. */
function stripLinks(text: string): string {
  return text
    .replace(/!?\[\[([^\]|]*)\|([^\]]*)\]\]/g, "$2")
    .replace(/!?\[\[([^\]]*)\]\]/g, "$1")
    .replace(/!?\[([^\]]*)\]\((?:[^()]|\([^)]*\))*\)/g, "$1");
}

/** The sentence of a passage that shares most content terms with the claims that cite it. */
export function bestQuote(passageText: string, claims: string[], maxLength = 300): string {
  const sentences = splitSentences(cleanExtractedText(passageText)).map((s) => s.text);
  if (sentences.length === 0) return "";
  const claimTerms = contentTerms(claims.join(" "));
  let best = sentences[0];
  let bestScore = -1;
  for (const s of sentences) {
    const set = stemSet(s);
    let score = 0;
    for (const t of claimTerms) if (termIn(t, set)) score += 1;
    // Prefer real sentences over fragments when the overlap ties.
    score += Math.min(s.length, 200) / 10_000;
    if (score > bestScore) {
      bestScore = score;
      best = s;
    }
  }
  return truncate(best, maxLength);
}

function truncate(text: string, max: number): string {
  if (text.length <= max) return text;
  const cut = text.slice(0, max - 1);
  const space = cut.lastIndexOf(" ");
  return `${cut.slice(0, space > max * 0.6 ? space : cut.length)}…`;
}

export function sourcesList(citations: Citation[], options: Pick<ResolveOptions, "passages" | "links">): string {
  const lines = citations.map((c) => {
    const chunk = options.passages.get(c.id)!;
    const links = options.links.forChunk(chunk);
    let place = links.link;
    if (chunk.kind === "transcript") {
      place = `${(chunk.title ?? "").trim() || links.label} ${links.link}${links.videoLink ? ` · ${links.videoLink}` : ""}`.trim();
    }
    const quote = c.quote ? ` — “${truncate(c.quote.replace(/[“”]/g, '"'), 160)}”` : "";
    return `${c.n}. ${place}${quote}`;
  });
  return `${SOURCES_HEADING}\n${lines.join("\n")}`;
}
