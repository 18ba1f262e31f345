// Recognises text that is not prose about the subject: reference lists, bare numbers, URLs. Both the
// passage selection for the model and the offline extractor skip it.

const REF_MARKERS =
  /\bet al\.|\bIn Proc(?:eedings|\.)|\barXiv\b|\bpp\.\s*\d|\bvol\.\s*\d|\bJournal of\b|\bConference on\b|\bdoi:|\bISBN\b|\bPress\b|\bTransactions on\b/gi;

/** True for a passage that reads like a bibliography (many author-year-venue markers, few verbs). */
export function looksLikeReferences(text: string): boolean {
  const words = text.split(/\s+/).length;
  if (words === 0) return false;
  const years = (text.match(/\b(?:19|20)\d\d[a-z]?\b/g) ?? []).length;
  const markers = (text.match(REF_MARKERS) ?? []).length;
  const bracketNums = (text.match(/^\s*\[\d+\]/gm) ?? []).length + (text.match(/\s\[\d+\]\s+[A-Z]\./g) ?? []).length;
  const initials = (text.match(/\b[A-Z]\.\s?(?:[A-Z]\.\s?)?[A-Z][a-z]+/g) ?? []).length;
  const density = (years * 2 + markers * 2 + bracketNums * 2 + initials) / words;
  return /^\s*(?:#+\s*)?references\b/i.test(text) ? density > 0.03 : density > 0.12;
}

/** True for a sentence worth quoting as a claim: prose of a sensible length, not a caption fragment,
 *  a formula or a line of the bibliography. */
export function isQuotableSentence(sentence: string): boolean {
  const words = sentence.split(/\s+/).filter(Boolean);
  if (words.length < 6 || words.length > 70) return false;
  // Chunk boundaries cut sentences; a fragment reads as a misquote.
  if (!/^["'“‘(]?[\p{Lu}\p{N}]/u.test(sentence) || !/[.!?]["'”’)\]]*$/.test(sentence)) return false;
  const letters = (sentence.match(/\p{L}/gu) ?? []).length;
  if (letters / sentence.length < 0.6) return false;
  if (/https?:\/\/|www\.|@\w+\./i.test(sentence)) return false;
  if (looksLikeReferences(sentence)) return false;
  return /\p{Ll}/u.test(sentence);
}
