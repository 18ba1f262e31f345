// Concept drafts without a model: key phrases of the source, each with the source's own sentences that
// mention it, every sentence cited to the passage it was taken from.
import type { Chunk } from "../types";
import { extractKeyphrases, mentions, contentRuns, phraseKey, type Keyphrase } from "./keyphrases";
import { isQuotableSentence, looksLikeReferences } from "./noise";
import { sourceSentences, type SourceSentence } from "./sentences";
import type { BackgroundStats, ConceptDraft, ConceptSection, ResolvedClaim } from "./types";

const MAX_CLAIMS = 6;
const DEFINITION = /\b(?:is|are|was|refers to|denotes|means|is called|are called|we call|defined as|stands for)\b/i;

function quotable(chunks: Chunk[]): SourceSentence[] {
  return sourceSentences(chunks.filter((c) => !looksLikeReferences(c.text))).filter((s) => isQuotableSentence(s.text));
}

/** The sentence that best says what the concept is: an early definition-like one, else the first. */
function pickSummary(hits: SourceSentence[], phrase: (s: string) => boolean): SourceSentence {
  return hits.find((s) => DEFINITION.test(s.text) && phrase(s.text.split(DEFINITION)[0])) ?? hits[0];
}

/** Sections by the heading the sentences sit under (notes, transcripts); PDFs have one section. */
function sectionsOf(sentences: SourceSentence[], fallback: string): ConceptSection[] {
  const sections: ConceptSection[] = [];
  for (const s of sentences) {
    const heading = s.chunk.kind === "pdf" ? fallback : (s.chunk.headings?.[s.chunk.headings.length - 1] ?? fallback);
    const claim: ResolvedClaim = { text: s.text, refs: [s.chunk] };
    const last = sections[sections.length - 1];
    if (last && last.heading === heading) last.claims.push(claim);
    else sections.push({ heading, claims: [claim] });
  }
  return sections;
}

export function extractiveDrafts(chunks: Chunk[], maxConcepts: number, background?: BackgroundStats, title?: string): ConceptDraft[] {
  const sentences = quotable(chunks);
  const phrases = extractKeyphrases(chunks, maxConcepts * 2, background, title);
  const picked: Array<{ phrase: Keyphrase; hits: SourceSentence[] }> = [];
  for (const phrase of phrases) {
    if (picked.length >= maxConcepts) break;
    const hits = sentences.filter((s) => mentions(s.text, phrase));
    if (hits.length) picked.push({ phrase, hits });
  }
  return picked.map(({ phrase, hits }) => {
    const summary = pickSummary(hits, (t) => mentions(t, phrase));
    const rest = hits.filter((h) => h !== summary).slice(0, MAX_CLAIMS);
    // Related: concepts mentioned in the same sentences, most shared first.
    const related = picked
      .filter((o) => o.phrase !== phrase)
      .map((o) => ({ title: o.phrase.title, shared: o.hits.filter((h) => hits.includes(h)).length }))
      .filter((o) => o.shared > 0)
      .sort((a, b) => b.shared - a.shared)
      .slice(0, 5)
      .map((o) => o.title);
    return {
      title: phrase.title,
      aliases: phrase.aliases,
      summary: summary.text,
      summaryRefs: [summary.chunk],
      sections: sectionsOf(rest, "In the source"),
      related,
    };
  });
}

/** A topic note without a model: sentences of the retrieved passages that mention the topic's words,
 *  grouped by source so the note shows what each document says. */
export function extractiveTopicDraft(topic: string, title: string, passages: Chunk[]): ConceptDraft | null {
  const words = new Set(contentRuns(topic).flat().map((w) => phraseKey([w])));
  if (!words.size) return null;
  const scored = quotable(passages)
    .map((s) => {
      const present = new Set(contentRuns(s.text).flat().map((w) => phraseKey([w])));
      const hit = [...words].filter((w) => present.has(w)).length / words.size;
      return { s, hit };
    })
    .filter((x) => x.hit >= Math.min(1, 0.6 + 0.2 / words.size));
  if (!scored.length) return null;
  const best = scored.slice(0, 1 + MAX_CLAIMS * 2).map((x) => x.s);
  const summary = best.find((s) => DEFINITION.test(s.text)) ?? best[0];
  const rest = best.filter((s) => s !== summary);
  const byPath = new Map<string, SourceSentence[]>();
  for (const s of rest) byPath.set(s.chunk.path, [...(byPath.get(s.chunk.path) ?? []), s]);
  const sections: ConceptSection[] = [...byPath.values()].map((group) => ({
    heading: group[0].chunk.title ?? group[0].chunk.path,
    claims: group.sort((a, b) => a.order - b.order).map((s) => ({ text: s.text, refs: [s.chunk] })),
  }));
  return { title, aliases: [], summary: summary.text, summaryRefs: [summary.chunk], sections, related: [] };
}
