import { describe, expect, it } from "vitest";
import { stemSet, termIn } from "../../src/core/search/query-terms";
import { americanSpelling, probeForms, variantKey } from "../../src/core/search/term-variants";

describe("spelling and derivational variants", () => {
  it("meets British and American spellings under one key", () => {
    for (const [british, american] of [
      ["colour", "color"],
      ["colours", "colors"],
      ["behaviour", "behavior"],
      ["normalise", "normalize"],
      ["regularisation", "regularization"],
      ["analysed", "analyzed"],
      ["labelled", "labeled"],
      ["modelling", "modeling"],
      ["centre", "center"],
      ["catalogue", "catalog"],
    ]) {
      expect(variantKey(british), british).toBe(variantKey(american));
    }
  });

  it("meets inflections and derivations under one key", () => {
    for (const [a, b] of [
      ["perturbed", "perturbations"],
      ["compactly", "compact"],
      ["preferred", "prefer"],
      ["selection", "selected"],
      ["robustness", "robust"],
      ["images", "image"],
      ["biases", "bias"],
    ]) {
      expect(variantKey(a), a).toBe(variantKey(b));
    }
  });

  it("keeps distinct words apart", () => {
    expect(variantKey("transformer")).not.toBe(variantKey("transformation"));
    expect(variantKey("used")).not.toBe(variantKey("us"));
    expect(variantKey("four")).not.toBe(variantKey("for"));
    expect(americanSpelling("noise")).toBe("noise");
    expect(americanSpelling("hour")).toBe("hour");
  });

  it("reads number words as the digits papers print", () => {
    expect(variantKey("ten")).toBe("10");
    expect(variantKey("gpt-3")).toBe("gpt-3");
  });
});

describe("term presence with variants", () => {
  const set = stemSet("We add perturbations to the color of 50,000 training images in 10 classes.");

  it("finds a reader's spelling or word form in the passage's", () => {
    expect(termIn("colour", set)).toBe(true);
    expect(termIn("perturbed", set)).toBe(true);
    expect(termIn("ten-class", set)).toBe(true);
  });

  it("does not find words the passage lacks in any form", () => {
    expect(termIn("photos", set)).toBe(false);
    expect(termIn("transformer", set)).toBe(false);
    expect(termIn("twenty-class", set)).toBe(false);
  });
});

describe("keyword probes for a term", () => {
  it("looks a term up under the vault's spelling and word form too", () => {
    expect(probeForms("colour")).toEqual(["colour", "color"]);
    expect(probeForms("compactly")).toEqual(["compactly", "compact"]);
  });

  it("probes a plain word, a number or a short root only as itself", () => {
    expect(probeForms("dropout")).toEqual(["dropout"]);
    expect(probeForms("2018")).toEqual(["2018"]);
    expect(probeForms("ten")).toEqual(["ten"]);
  });
});
