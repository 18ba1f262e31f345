import { describe, expect, it } from "vitest";
import { isEmptyFilter, pathMatchesFilter } from "../../src/core/search/filter";

const noTags = () => [];

describe("a filter that excludes folders", () => {
  it("admits everything outside them and nothing inside, at any depth", () => {
    const filter = { excludeFolders: ["Concepts"] };
    expect(isEmptyFilter(filter)).toBe(false);
    expect(pathMatchesFilter("Papers/adam.pdf", filter, noTags)).toBe(true);
    expect(pathMatchesFilter("Concepts/Adam.md", filter, noTags)).toBe(false);
    expect(pathMatchesFilter("Concepts/Optimizers/Adam.md", filter, noTags)).toBe(false);
    // A name that merely starts like the folder is not inside it.
    expect(pathMatchesFilter("Concepts old/Adam.md", filter, noTags)).toBe(true);
  });

  it("wins over an include of an enclosing folder, and an empty entry excludes nothing", () => {
    expect(pathMatchesFilter("Notes/Concepts/x.md", { folders: ["Notes"], excludeFolders: ["Notes/Concepts"] }, noTags)).toBe(false);
    expect(pathMatchesFilter("Notes/x.md", { excludeFolders: [""] }, noTags)).toBe(true);
  });
});
