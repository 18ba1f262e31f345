import { describe, expect, it } from "vitest";
import { BGE_QUERY_PREFIX, DEFAULT_MODEL_ID, findModelChoice, MODEL_CHOICES, modelProfile } from "../../src/core/embed/models";

describe("model catalogue", () => {
  it("offers the four small English models, the default among them", () => {
    expect(MODEL_CHOICES.map((m) => m.id)).toEqual([
      "Xenova/bge-small-en-v1.5",
      "Xenova/all-MiniLM-L6-v2",
      "TaylorAI/bge-micro-v2",
      "minishlab/potion-base-8M",
    ]);
    expect(findModelChoice(DEFAULT_MODEL_ID)).toBeDefined();
  });

  it("defaults to the choice with the best published retrieval score", () => {
    const best = [...MODEL_CHOICES].sort((a, b) => (b.mtebRetrieval ?? 0) - (a.mtebRetrieval ?? 0))[0];
    expect(best.id).toBe(DEFAULT_MODEL_ID);
  });

  it("finds choices by id or short name, case-insensitively", () => {
    expect(findModelChoice("all-minilm-l6-v2")?.id).toBe("Xenova/all-MiniLM-L6-v2");
    expect(findModelChoice("unknown/model")).toBeUndefined();
  });
});

describe("modelProfile", () => {
  it("uses CLS pooling and the query instruction for bge models", () => {
    expect(modelProfile("Xenova/bge-small-en-v1.5")).toEqual({ pooling: "cls", queryPrefix: BGE_QUERY_PREFIX });
    expect(modelProfile("BAAI/bge-base-en-v1.5")).toEqual({ pooling: "cls", queryPrefix: BGE_QUERY_PREFIX });
  });

  it("uses mean pooling without prefix for MiniLM and bge-micro", () => {
    expect(modelProfile("Xenova/all-MiniLM-L6-v2")).toEqual({ pooling: "mean", queryPrefix: undefined });
    expect(modelProfile("TaylorAI/bge-micro-v2").pooling).toBe("mean");
  });

  it("lets Model2Vec models pool inside the graph", () => {
    expect(modelProfile("minishlab/potion-base-32M").pooling).toBe("model");
  });

  it("knows the prefixes of e5 and nomic models", () => {
    expect(modelProfile("intfloat/e5-small-v2")).toMatchObject({ queryPrefix: "query: ", documentPrefix: "passage: " });
    expect(modelProfile("nomic-embed-text")).toMatchObject({ queryPrefix: "search_query: " });
  });

  it("leaves unknown models to the defaults", () => {
    expect(modelProfile("/models/glove-static-100d")).toEqual({});
  });
});
