// Readers name the document they mean: "How long did AlexNet take to train?", "the ResNet paper".
// The name is often only in the file name (krizhevsky2012_alexnet_imagenet_classification.pdf) or
// the title, never in the passage that answers, so neither BM25 over passages nor a sentence
// embedding connects the two. This finds the files a query names, so the retriever can look inside
// them and rank their passages up.
import { basename } from "../util/paths";
import { acronymIn, stemSet, termIn, wordTokens, type QueryTerm } from "./query-terms";
import type { SearchableFile } from "./searchable";

/** A name that fits more files than this is a topic ("Neural"), not a document's name. */
const MAX_FILES_PER_NAME = 2;

function nameText(file: SearchableFile): string {
  // Split file names on the separators people use in them, and camelCase, so "he2015_resnet" and
  // "DeepResidualLearning" both yield words.
  const name = basename(file.path)
    .replace(/\.[^.]+$/u, "")
    .replace(/[_+]+/gu, " ");
  return `${name} ${name.replace(/(\p{Ll})(\p{Lu})/gu, "$1 $2")} ${file.title ?? ""}`;
}

export class FileNames {
  private readonly cache = new Map<string, { key: string; stems: Set<string>; words: string[] }>();

  /** Paths of the files that one of the query's name-like terms names, at most a few per term.
   *  `usedIn[i]` lists the files of passages that use term i (one entry per passage): a term that
   *  the passages of other files use more than the named file's own ("ImageNet", in the title of
   *  the AlexNet paper and all over the others) is a topic, not that file's name. */
  namedFiles(terms: QueryTerm[], files: SearchableFile[], usedIn: string[][] = []): string[] {
    // A lower-case term names a file too when no passage uses it ("alexnet" typed in lower case).
    const candidate = (t: QueryTerm, i: number) => !/^\d+$/u.test(t.term) && (t.named || usedIn[i]?.length === 0);
    if (!terms.some(candidate)) return [];
    const live = new Set<string>();
    const out = new Set<string>();
    const stemsOf = files
      .filter((f) => f.chunks === undefined || f.chunks > 0)
      .map((f) => {
        live.add(f.path);
        const key = nameText(f);
        let entry = this.cache.get(f.path);
        if (!entry || entry.key !== key) {
          entry = { key, stems: stemSet(key), words: wordTokens(key) };
          this.cache.set(f.path, entry);
        }
        return { path: f.path, stems: entry.stems, words: entry.words };
      });
    terms.forEach((t, i) => {
      if (!candidate(t, i)) return;
      // "BN" names ioffe2015_batch_normalization.pdf, "GAN" a title with "Generative Adversarial Nets".
      const hits = stemsOf.filter((f) => termIn(t.term, f.stems) || acronymIn(t.term, f.words));
      if (hits.length === 0 || hits.length > MAX_FILES_PER_NAME) return;
      const paths = new Set(hits.map((h) => h.path));
      const uses = usedIn[i] ?? [];
      const inside = uses.filter((p) => paths.has(p)).length;
      if (uses.length - inside > inside) return;
      for (const p of paths) out.add(p);
    });
    for (const path of this.cache.keys()) if (!live.has(path)) this.cache.delete(path);
    return [...out];
  }
}
