import { describe, expect, it } from "vitest";
import { FileNames } from "../../src/core/search/named-files";
import { queryTerms } from "../../src/core/search/query-terms";

const FILES = [
  { path: "papers/krizhevsky2012_alexnet_imagenet_classification.pdf", title: "ImageNet Classification with Deep Convolutional Neural Networks", chunks: 40 },
  { path: "papers/he2015_resnet.pdf", title: "Deep Residual Learning for Image Recognition", chunks: 60 },
  { path: "papers/ioffe2015_batch_normalization.pdf", title: "Batch Normalization: Accelerating Deep Network Training", chunks: 50 },
  { path: "papers/goodfellow2014.pdf", title: "Generative Adversarial Nets", chunks: 30 },
  { path: "notes/DeepDreamNotes.md", title: "DeepDreamNotes", chunks: 3 },
  { path: "papers/broken.pdf", title: "AlexNet reproduction", chunks: 0 },
];

const named = (q: string, usedIn: string[][] = []) => new FileNames().namedFiles(queryTerms(q), FILES, usedIn);

describe("files a query names", () => {
  it("finds a paper named only in its file name", () => {
    expect(named("How long did AlexNet take to train?")).toEqual(["papers/krizhevsky2012_alexnet_imagenet_classification.pdf"]);
  });

  it("matches word forms and camelCase file names", () => {
    expect(named("Where do the ResNets put BN?")).toContain("papers/he2015_resnet.pdf");
    expect(named("What did the Deep Dream experiment show?")).toEqual(["notes/DeepDreamNotes.md"]);
    expect(named("What is in DeepDreamNotes?")).toEqual(["notes/DeepDreamNotes.md"]);
  });

  it("reads acronyms against file names and titles", () => {
    expect(named("Where do the ResNets put BN?")).toContain("papers/ioffe2015_batch_normalization.pdf");
    expect(named("Which activations did the GAN generator use?")).toEqual(["papers/goodfellow2014.pdf"]);
  });

  it("takes a lower-case term for a name only when no passage uses it", () => {
    const q = "how long did alexnet take";
    expect(named(q)).toEqual([]);
    const used = queryTerms(q).map((t) => (t.term === "alexnet" ? [] : ["papers/he2015_resnet.pdf"]));
    expect(named(q, used)).toEqual([FILES[0].path]);
  });

  it("ignores common words and files without chunks", () => {
    expect(named("How does deep learning classify images?")).toEqual([]);
    expect(named("Who wrote the AlexNet reproduction?")).not.toContain("papers/broken.pdf");
  });

  it("does not take a term the other files' passages use more for a file's name", () => {
    const q = "What top-5 error do models reach on ImageNet?";
    const imagenet = queryTerms(q).findIndex((t) => t.term === "imagenet");
    const usedIn: string[][] = [];
    usedIn[imagenet] = ["papers/he2015_resnet.pdf", "papers/he2015_resnet.pdf", "papers/ioffe2015_batch_normalization.pdf", FILES[0].path];
    expect(named(q, usedIn)).toEqual([]);
    usedIn[imagenet] = [FILES[0].path, FILES[0].path, "papers/he2015_resnet.pdf"];
    expect(named(q, usedIn)).toEqual([FILES[0].path]);
  });
});
