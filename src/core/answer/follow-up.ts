// Follow-up questions ("and how long did it take?") retrieve nothing useful on their own: the subject
// lives in an earlier turn. Before retrieval they become standalone queries, by the model when one is
// configured, otherwise by carrying the previous question's subject terms over.
import { contentTerms, stem, wordTokens } from "../search/query-terms";
import { LlmError, type LlmClient } from "./llm";
import { plainAnswer, type ConversationTurn } from "./prompt";

const ANAPHORA = /\b(it|its|it's|they|them|their|theirs|this|that|these|those|he|she|his|her|there|same|former|latter|above|the (paper|article|study|method|approach|model|network|technique|authors?|video|talk|lecture|note|result|experiment|dataset))\b/i;

const CONTINUATION = /^(and|but|also|so|then|what about|how about|why not|what else|same for|and what)\b/i;

/** True when a question leans on earlier turns (pronouns, "the paper", or too few words of its own). */
export function isFollowUp(question: string): boolean {
  return ANAPHORA.test(question) || CONTINUATION.test(question.trim()) || contentTerms(question).length < 2;
}

/** The previous turn's subject, most specific first: names, acronyms, numbered models ("ResNet-101"),
 *  then its other content terms. */
export function subjectTerms(text: string): string[] {
  const terms = contentTerms(text);
  const words = text.match(/[\p{L}\p{N}]+(?:[-.][\p{L}\p{N}]+)*/gu) ?? [];
  const named = new Set(
    words
      .filter((w, i) => /\p{Lu}.*\p{Lu}|\p{L}.*\d|\d.*\p{L}/u.test(w) || (i > 0 && /^\p{Lu}/u.test(w)))
      .map((w) => stem(w.toLowerCase())),
  );
  return [...terms.filter((t) => named.has(stem(t))), ...terms.filter((t) => !named.has(stem(t)))];
}

/** A standalone retrieval query without a model: the follow-up plus the terms of the latest earlier
 *  question it does not already contain (named things first). */
export function rewriteHeuristically(question: string, history: ConversationTurn[]): string {
  const q = question.trim();
  if (history.length === 0 || !isFollowUp(q)) return q;
  const previous = history[history.length - 1];
  const have = new Set(wordTokens(q).map(stem));
  const carry = subjectTerms(previous.query ?? previous.question)
    .filter((t) => !have.has(stem(t)))
    .slice(0, 6);
  return carry.length ? `${q} ${carry.join(" ")}` : q;
}

/** Standalone query for retrieval. Configuration failures of the model (unreachable, bad key, …)
 *  propagate: the answer would fail the same way a moment later. */
export async function rewriteFollowUp(question: string, history: ConversationTurn[], llm?: LlmClient | null, signal?: AbortSignal): Promise<string> {
  const q = question.trim();
  if (history.length === 0) return q;
  if (!llm) return rewriteHeuristically(q, history);
  const transcript = history
    .slice(-3)
    .map((t) => `User: ${t.question}\nAssistant: ${truncate(plainAnswer(t.answer), 600)}`)
    .join("\n\n");
  try {
    const out = await llm.complete(
      [
        {
          role: "system",
          content:
            "You rewrite the last question of a conversation into a standalone search query for a document search engine. Name the subject explicitly (replace pronouns like \"it\" or \"that paper\" with what they refer to). Keep the user's language. Reply with the query only, on one line, without quotes or explanation. If the question already stands alone, repeat it unchanged.",
        },
        { role: "user", content: `Conversation:\n${transcript}\n\nLast question: ${q}\n\nStandalone query:` },
      ],
      { temperature: 0, maxTokens: 100, signal },
    );
    const line = out
      .replace(/<think>[\s\S]*?<\/think>/g, "")
      .split("\n")
      .map((l) => l.trim())
      .find((l) => l.length > 0);
    const cleaned = line?.replace(/^(standalone query|query)\s*:\s*/i, "").replace(/^["'“]|["'”]$/g, "").trim();
    if (!cleaned || cleaned.length > 400) return rewriteHeuristically(q, history);
    return cleaned;
  } catch (err) {
    if (err instanceof LlmError && err.kind === "bad-response") return rewriteHeuristically(q, history);
    throw err;
  }
}

function truncate(s: string, n: number): string {
  return s.length <= n ? s : `${s.slice(0, n)}…`;
}
