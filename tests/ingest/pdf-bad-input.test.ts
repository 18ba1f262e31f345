import { beforeAll, describe, expect, it } from "vitest";
import { loadNodePdfJs } from "../../src/cli/pdfjs-node";
import { extractPdfDocument } from "../../src/core/ingest/pdf/extract-pdf";
import type { PdfDocumentProxy, PdfJsApi } from "../../src/core/ingest/pdf/pdfjs-api";
import { IngestError } from "../../src/core/types";
import {
  makeImageOnlyPdf,
  makeManyPagesPdf,
  makePaperPdf,
  makePasswordProtectedPdf,
  makeRandomBytes,
  makeTruncatedPdf,
} from "../fixtures/pdf-fixtures";

let pdfjs: PdfJsApi;
beforeAll(async () => {
  pdfjs = await loadNodePdfJs();
});

async function failure(data: Uint8Array, api: PdfJsApi = pdfjs): Promise<IngestError> {
  try {
    await extractPdfDocument("bad.pdf", data, api);
  } catch (e) {
    expect(e).toBeInstanceOf(IngestError);
    return e as IngestError;
  }
  throw new Error("expected extraction to fail");
}

/** pdf.js wrapped to count what the extractor releases. */
function tracking(inner: PdfJsApi, breakPages = false) {
  const counts = { opened: 0, destroyed: 0, pages: 0, cleanups: 0 };
  const api: PdfJsApi = {
    getDocument(src) {
      const task = inner.getDocument(src);
      const promise = task.promise.then((doc): PdfDocumentProxy => {
        counts.opened++;
        return {
          numPages: doc.numPages,
          getMetadata: () => doc.getMetadata(),
          destroy: async () => {
            counts.destroyed++;
            await doc.destroy();
          },
          getPage: async (n) => {
            const page = await doc.getPage(n);
            counts.pages++;
            return {
              getViewport: (p) => page.getViewport(p),
              getTextContent: (p) => (breakPages ? Promise.reject(new Error("Bad FCHECK in flate stream")) : page.getTextContent(p)),
              cleanup: () => {
                counts.cleanups++;
                return page.cleanup();
              },
            };
          },
        };
      });
      return { promise, destroy: task.destroy?.bind(task) };
    },
  };
  return { api, counts };
}

describe("bad PDFs are reported with a specific reason", () => {
  it("password-protected", async () => {
    const e = await failure(makePasswordProtectedPdf());
    expect(e.reason).toBe("password-protected");
    expect(e.status).toBe("skipped");
  });

  it("truncated", async () => {
    const e = await failure(await makeTruncatedPdf());
    expect(e.reason).toMatch(/^corrupt or truncated PDF: \S/);
    expect(e.status).toBe("failed");
  });

  it("random bytes named .pdf", async () => {
    expect((await failure(makeRandomBytes())).reason).toMatch(/^corrupt or truncated PDF: \S/);
  });

  it("a zero-byte file", async () => {
    expect((await failure(new Uint8Array(0))).reason).toBe("corrupt or truncated PDF: empty file");
  });

  it("a scan without a text layer", async () => {
    const e = await failure(await makeImageOnlyPdf());
    expect(e.reason).toBe("no extractable text — scanned?");
    expect(e.status).toBe("skipped");
  });

  it("pages whose content cannot be parsed, on every page", async () => {
    const { api, counts } = tracking(pdfjs, true);
    const e = await failure((await makePaperPdf()).bytes, api);
    expect(e.reason).toBe("corrupt or truncated PDF: page 1: bad FCHECK in flate stream");
    expect(counts.destroyed).toBe(counts.opened);
  });
});

describe("resources", () => {
  it("cleans up every page and destroys the document", async () => {
    const { api, counts } = tracking(pdfjs);
    await extractPdfDocument("p.pdf", (await makePaperPdf()).bytes, api);
    expect(counts).toEqual({ opened: 1, destroyed: 1, pages: 5, cleanups: 5 });
  });

  it("destroys the document when extraction is aborted midway", async () => {
    const { api, counts } = tracking(pdfjs);
    const controller = new AbortController();
    const bytes = await makeManyPagesPdf(20);
    const wrapped: PdfJsApi = {
      getDocument(src) {
        const task = api.getDocument(src);
        return {
          ...task,
          promise: task.promise.then((doc) => ({
            ...doc,
            numPages: doc.numPages,
            getPage: async (n: number) => {
              if (n === 3) controller.abort();
              return doc.getPage(n);
            },
          })),
        };
      },
    };
    await expect(extractPdfDocument("p.pdf", bytes, wrapped, { signal: controller.signal })).rejects.toThrow(/abort/i);
    expect(counts.destroyed).toBe(1);
    expect(counts.cleanups).toBe(counts.pages);
  });
});
