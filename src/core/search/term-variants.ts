// Readers do not write the way papers do: "colour" for "color", "labelled" for "labeled",
// "perturbed" for "perturbations", "compactly" for "compact", "ten-class" for "10 classes". To decide
// whether the vault knows a query's term, both sides are reduced to one key per word: the
// spelling made American, then a derivational root. The keys are coarser than `stem` (which must keep
// "transformer" and "transformation" apart for ranking) and are only used to ask "is this word, in
// some form, in the passage?".

/** Number words readers spell out where papers write digits ("ten classes" / "10 classes"). */
const NUMBER_WORDS: Record<string, string> = {
  one: "1",
  two: "2",
  three: "3",
  four: "4",
  five: "5",
  six: "6",
  seven: "7",
  eight: "8",
  nine: "9",
  ten: "10",
  eleven: "11",
  twelve: "12",
  twenty: "20",
  hundred: "100",
  thousand: "1000",
};

/** British spellings to American, by regular pattern only (no word list to go stale). Each rule
 *  keeps a few letters in front so short words ("four", "rise", "hour") are left alone. */
const SPELLING_RULES: [RegExp, string][] = [
  // colour, behaviour, favourite, labourers
  [/^([a-z]{3,})our(s|ed|ing|ful|less|ite|ites|er|ers|ation)?$/u, "$1or$2"],
  // normalise, regularisation, optimiser, minimising (not "noise"/"raise": too short in front)
  [/^([a-z]{3,}[^aeiou])is(e|es|ed|ing|er|ers|ation|ations)$/u, "$1iz$2"],
  // analyse, paralysed
  [/^([a-z]{2,})ys(e|es|ed|ing|er|ers)$/u, "$1yz$2"],
  // labelled, modelling, travellers
  [/^([a-z]{2,})ell(ed|ing|er|ers)$/u, "$1el$2"],
  // centre, metre, fibre
  [/^([a-z]{2,})(t|b)re(s|d)?$/u, "$1$2er$3"],
  // catalogue, dialogues, analogue
  [/^([a-z]{3,})ogue(s)?$/u, "$1og$2"],
];

/** The American spelling of a British one; other words unchanged. */
export function americanSpelling(word: string): string {
  for (const [from, to] of SPELLING_RULES) if (from.test(word)) return word.replace(from, to);
  return word;
}

const VOWEL = /[aeiouy]/u;

/** A derivational root: plural, adverb, -ness, -ation, -ion after "ct"/"ss", -ed, -ing and a final
 *  "e" removed, a doubled final consonant undoubled ("preferred" → "prefer"). Roots shorter than four
 *  letters are not produced: "used" must not meet "us". */
function root(word: string): string {
  let w = word;
  const cut = (suffix: string, add = "", min = 4): boolean => {
    if (!w.endsWith(suffix) || w.length - suffix.length < min) return false;
    const r = w.slice(0, -suffix.length) + add;
    if (!VOWEL.test(r)) return false;
    w = r;
    return true;
  };
  // Plurals and third person first, so "perturbations" and "perturbation" reach the same root.
  if (!cut("ies", "y")) if (!/(?:ss|x|z|ch|sh)es$/u.test(w) || !cut("es")) if (!/(?:ss|us|is|ias)$/u.test(w)) cut("s", "", 3);
  if (!cut("ally", "al")) if (!/(?:ply|ily)$/u.test(w)) cut("ly");
  cut("ness");
  if (!cut("ations")) if (!cut("ation")) if (/(?:ct|ss)ion$/u.test(w)) cut("ion");
  if (!cut("ing")) cut("ed");
  if (/([b-df-hj-np-tv-z])\1$/u.test(w) && !/(?:ll|ss|zz|ff)$/u.test(w) && w.length > 4) w = w.slice(0, -1);
  if (w.length >= 5 && w.endsWith("e")) w = w.slice(0, -1);
  return w;
}

/** The key under which a word and its spelling and derivational variants meet. Numbers and tokens
 *  with digits are kept as they are; number words become digits. */
export function variantKey(word: string): string {
  const w = word.toLowerCase();
  if (NUMBER_WORDS[w]) return NUMBER_WORDS[w];
  if (/\d/u.test(w) || w.length < 4) return w;
  return root(americanSpelling(w));
}

/** The forms under which to look a term up in a keyword index that only knows the vault's words:
 *  the term, its American spelling and its derivational root when that is still a word-sized
 *  prefix (five letters or more, so the index's prefix matching finds "perturb" in "perturbations"). */
export function probeForms(term: string): string[] {
  const forms = new Set([term, americanSpelling(term)]);
  const key = variantKey(term);
  if (key.length >= 5 && !/\d/u.test(key)) forms.add(key);
  return [...forms];
}
