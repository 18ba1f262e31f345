// Loads pdfjs-dist's legacy build for Node. The CLI bundle keeps pdfjs-dist external, so this
// dynamic import resolves node_modules at run time (pdf.js is ESM-only and must not be require()d).
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import type { PdfJsApi } from "../core/ingest/pdf/pdfjs-api";

let loading: Promise<PdfJsApi> | null = null;

export async function loadNodePdfJs(): Promise<PdfJsApi> {
  loading ??= load().catch((e: unknown) => {
    loading = null;
    throw e;
  });
  return loading;
}

async function load(): Promise<PdfJsApi> {
  const pdfjs = await import("pdfjs-dist/legacy/build/pdf.mjs");
  const standardFontDataUrl = standardFontsFolder();
  return {
    getDocument(src: Record<string, unknown>) {
      const task = pdfjs.getDocument({
        // Text extraction only: no font faces to install, no eval'd glyph programs, and pdf.js
        // warnings (common on real-world files) stay off the CLI's stderr.
        disableFontFace: true,
        isEvalSupported: false,
        useSystemFonts: false,
        verbosity: pdfjs.VerbosityLevel.ERRORS,
        ...(standardFontDataUrl ? { standardFontDataUrl } : {}),
        ...src,
      });
      return task;
    },
  };
}

/** Metrics of the 14 standard fonts, for PDFs that use them without embedding (pdf-lib does). */
function standardFontsFolder(): string | null {
  try {
    const req = createRequire(typeof __filename === "string" ? __filename : join(process.cwd(), "index.js"));
    return join(dirname(req.resolve("pdfjs-dist/package.json")), "standard_fonts") + "/";
  } catch {
    return null;
  }
}
