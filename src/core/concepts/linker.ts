// Links mentions of known notes: a title or alias found in a claim (case-insensitively, as a whole word,
// plural allowed) becomes `[[Note|as written]]`. Only notes that exist or are written in the same run
// are known, so no link can dangle.

export interface LinkTarget {
  /** Vault path of the note the mention links to. */
  path: string;
  /** Title and aliases. */
  terms: string[];
}

interface Term {
  path: string;
  /** Short all-capital abbreviations ("GAN", "BN") match only as written, not as ordinary words. */
  exact?: string;
}

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

export class MentionLinker {
  private readonly terms = new Map<string, Term>();
  private readonly pattern: RegExp | null;

  /** Earlier targets win a term both claim (pass this run's concepts before the vault's notes). */
  constructor(
    targets: LinkTarget[],
    private readonly render: (path: string, asWritten: string) => string,
  ) {
    for (const t of targets) {
      for (const raw of t.terms) {
        const term = raw.replace(/\s+/g, " ").trim();
        const abbreviation = /^\p{Lu}[\p{Lu}\p{N}]{1,5}s?$/u.test(term);
        if (term.length < 3 && !abbreviation) continue;
        if (!/\p{L}/u.test(term)) continue;
        const key = term.toLowerCase();
        if (!this.terms.has(key)) this.terms.set(key, { path: t.path, exact: abbreviation ? term : undefined });
      }
    }
    const alternatives = [...this.terms.keys()].sort((a, b) => b.length - a.length || (a < b ? -1 : 1)).map(escape);
    this.pattern = alternatives.length
      ? new RegExp(`(?<![\\p{L}\\p{N}_\\[|#])(${alternatives.join("|")})(s|es)?(?![\\p{L}\\p{N}_\\]])`, "giu")
      : null;
  }

  /** Links the first mention of each note in `text`, skipping `self` and notes in `used` (which it
   *  extends, so a section links each note once). Leaves code spans and existing links alone. */
  linkify(text: string, self: string, used: Set<string>): string {
    if (!this.pattern) return text;
    const pattern = this.pattern;
    return text
      .split(/(`[^`]*`|\[\[[^\]]*\]\]|<[^>]+>)/)
      .map((part, i) => {
        if (i % 2 === 1) return part;
        return part.replace(pattern, (whole: string, term: string) => {
          const t = this.terms.get(term.toLowerCase());
          if (!t || t.path === self || used.has(t.path)) return whole;
          if (t.exact && term !== t.exact) return whole;
          used.add(t.path);
          return this.render(t.path, whole);
        });
      })
      .join("");
  }
}
