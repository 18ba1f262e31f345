// Comparison form for extracted text: Unicode compatibility forms (ligatures), typographic quotes,
// dashes and minus signs unified; hyphens and all whitespace removed, so line-end hyphenation and
// spacing differences between extractors do not matter.
export function comparable(text: string): string {
  return text
    .normalize("NFKC")
    .replace(/[\u2018\u2019\u201a\u2032]/g, "'")
    .replace(/[\u201c\u201d\u201e\u2033]/g, '"')
    .replace(/[-\u00ad\u2010\u2011\u2012\u2013\u2014\u2212]/g, "")
    .replace(/\s+/g, "");
}
