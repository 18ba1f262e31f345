// Opens the built plugin (main.js, unchanged) in headless Chromium: a page server on 127.0.0.1 serves
// the page, the host bundle (tests/e2e/host/host.ts, obsidian-test-mocks as the `obsidian` module),
// main.js, styles.css and pdf.js, and forwards /v1 to an OpenAI-compatible server (same origin, as
// Obsidian's requestUrl would reach it without CORS). Every request the page or its workers make is
// recorded, so a test can prove nothing left the machine.
import { existsSync, readFileSync } from "node:fs";
import { createServer, request, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { join, resolve } from "node:path";
import { build } from "esbuild";
import { chromium, type Browser, type BrowserContext, type Page } from "playwright-core";

export const ROOT = resolve(__dirname, "../../..");
export const ARTIFACTS = join(ROOT, "artifacts/e2e");
const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";

/** The page's stand-in for Obsidian's theme: the CSS variables styles.css relies on, light and dark. */
const THEME = `
body { margin: 0; font-family: system-ui, sans-serif; font-size: 14px;
  --size-2-1: 2px; --size-2-2: 4px; --size-4-1: 4px; --size-4-2: 8px; --size-4-3: 12px; --size-4-4: 16px; --size-4-6: 24px; --size-4-8: 32px;
  --radius-m: 6px; --radius-l: 10px; --font-ui-smaller: 12px; --font-ui-small: 13px; --font-semibold: 600; --font-interface: system-ui, sans-serif;
  --layer-popover: 30; --shadow-s: 0 2px 8px rgba(0,0,0,.15);
  --background-primary: #ffffff; --background-secondary: #f6f6f6; --background-modifier-border: #e0e0e0; --background-modifier-hover: #ececec;
  --text-normal: #222222; --text-muted: #5c5c5c; --text-faint: #999999; --text-error: #d04255; --text-warning: #c27a00; --text-on-accent: #ffffff;
  --interactive-accent: #7c5cd6; --link-color: #6a48c9; --link-color-hover: #4f31a8; --color-orange: #d98a2b;
  background: var(--background-primary); color: var(--text-normal); }
body.theme-dark { --background-primary: #1e1e1e; --background-secondary: #262626; --background-modifier-border: #3a3a3a; --background-modifier-hover: #333333;
  --text-normal: #dadada; --text-muted: #a3a3a3; --text-faint: #707070; --text-error: #fb464c; --text-warning: #e0a030; --link-color: #a88bfa; --link-color-hover: #c4b1ff; }
#sidebar { width: 380px; height: 760px; border-left: 1px solid var(--background-modifier-border); overflow: auto; margin-left: auto; }
.e2e-modal { position: fixed; inset: 0; display: flex; align-items: center; justify-content: center; background: rgba(0,0,0,.35); }
.e2e-modal > div { background: var(--background-primary); border: 1px solid var(--background-modifier-border); border-radius: 10px; padding: 16px 20px; width: 560px; max-height: 80vh; overflow: auto; }
.e2e-modal-title { font-size: 18px; font-weight: 600; margin-bottom: 8px; }
.modal-button-container { display: flex; gap: 8px; justify-content: flex-end; margin-top: 12px; }
#statusbar { position: fixed; bottom: 0; right: 0; padding: 2px 10px; font-size: 12px; color: var(--text-muted); background: var(--background-secondary); }
button { font: inherit; padding: 4px 10px; border-radius: 6px; border: 1px solid var(--background-modifier-border); background: var(--background-primary); color: var(--text-normal); }
button.mod-cta { background: var(--interactive-accent); color: var(--text-on-accent); border-color: transparent; }
textarea, select { font: inherit; color: var(--text-normal); background: var(--background-primary); border: 1px solid var(--background-modifier-border); border-radius: 6px; padding: 6px; box-sizing: border-box; }
a.internal-link { color: var(--link-color); }
`;

export interface ScholiaPageOptions {
  /** Port of the OpenAI-compatible server the page reaches at `${origin}/v1`. */
  llmPort: number;
  /** The plugin's data.json; gets the page origin to point at `${origin}/v1`. */
  settings: (origin: string) => Record<string, unknown>;
  apiKey?: string;
  textFiles: Record<string, string>;
  binaryFiles: Record<string, Uint8Array>;
  /** Where the embedding worker downloads models instead of huggingface.co (see host.ts). */
  modelHost?: string;
}

export interface ScholiaPage {
  browser: Browser;
  context: BrowserContext;
  page: Page;
  origin: string;
  /** Uncaught errors and console errors of the page. */
  pageErrors: string[];
  /** URL of every request the page and its workers made, in order. */
  requests: string[];
  close(): Promise<void>;
}

/** Serves fixed files, and forwards /v1 to the LLM server. */
function startPageServer(files: Record<string, { type: string; body: Buffer | string }>, upstreamPort: number): Promise<Server> {
  const server = createServer((req, res) => {
    const url = (req.url ?? "/").split("?")[0];
    if (url.startsWith("/v1/")) {
      const proxied = request({ host: "127.0.0.1", port: upstreamPort, path: req.url, method: req.method, headers: req.headers }, (up) => {
        res.writeHead(up.statusCode ?? 502, up.headers);
        up.pipe(res);
      });
      proxied.on("error", () => res.destroy());
      req.pipe(proxied);
      return;
    }
    const file = files[url];
    if (!file) {
      res.writeHead(404).end("not found");
      return;
    }
    res.writeHead(200, { "content-type": file.type }).end(file.body);
  });
  return new Promise((ok) => server.listen(0, "127.0.0.1", () => ok(server)));
}

export async function openScholiaPage(options: ScholiaPageOptions): Promise<ScholiaPage> {
  if (!existsSync(join(ROOT, "main.js"))) throw new Error("main.js is missing: run `npm run build` first (npm run test:e2e does).");
  if (!existsSync(CHROMIUM)) throw new Error(`Chromium not found at ${CHROMIUM}: apt-get install -y chromium`);

  const host = await build({
    entryPoints: [join(ROOT, "tests/e2e/host/host.ts")],
    bundle: true,
    format: "iife",
    platform: "browser",
    target: "es2022",
    write: false,
    logLevel: "silent",
  });
  const html = `<!doctype html><html><head><meta charset="utf-8"><style>${THEME}</style><link rel="stylesheet" href="/styles.css"></head>
<body><div id="sidebar"></div><div id="statusbar"></div><script src="/main.js"></script><script src="/host.js"></script></body></html>`;
  // The built main.js, unchanged, wrapped as a CommonJS module function for the host to run.
  const mainJs = `window.scholiaMain = function (module, exports, require) {\n${readFileSync(join(ROOT, "main.js"), "utf8")}\n};`;
  const pageServer = await startPageServer(
    {
      "/": { type: "text/html", body: html },
      "/favicon.ico": { type: "image/x-icon", body: "" },
      "/main.js": { type: "text/javascript", body: mainJs },
      "/host.js": { type: "text/javascript", body: Buffer.from(host.outputFiles[0].contents) },
      "/styles.css": { type: "text/css", body: readFileSync(join(ROOT, "styles.css")) },
      "/pdfjs/pdf.min.mjs": { type: "text/javascript", body: readFileSync(join(ROOT, "node_modules/pdfjs-dist/build/pdf.min.mjs")) },
      "/pdfjs/pdf.worker.min.mjs": { type: "text/javascript", body: readFileSync(join(ROOT, "node_modules/pdfjs-dist/build/pdf.worker.min.mjs")) },
    },
    options.llmPort,
  );
  const origin = `http://127.0.0.1:${(pageServer.address() as AddressInfo).port}`;

  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
  });
  const context = await browser.newContext({ viewport: { width: 900, height: 800 } });
  const requests: string[] = [];
  // Context-wide, so requests from dedicated workers (the embedding worker, pdf.js) count too.
  context.on("request", (r) => requests.push(r.url()));
  const page = await context.newPage();
  const pageErrors: string[] = [];
  page.on("pageerror", (e) => pageErrors.push(e.message));
  page.on("console", (m) => {
    if (m.type() === "error") pageErrors.push(m.text());
    if (process.env.E2E_VERBOSE) process.stdout.write(`[page ${m.type()}] ${m.text()}\n`);
  });
  const close = async () => {
    await browser.close();
    await new Promise((ok) => pageServer.close(() => ok(undefined)));
  };
  try {
    await page.goto(origin);
    await page.waitForFunction(() => "scholiaHost" in window);
    await page.evaluate(
      (opts) => (window as unknown as { scholiaHost: { boot(o: unknown): Promise<boolean> } }).scholiaHost.boot(opts),
      {
        manifest: JSON.parse(readFileSync(join(ROOT, "manifest.json"), "utf8")) as Record<string, unknown>,
        settings: options.settings(origin),
        apiKey: options.apiKey,
        modelHost: options.modelHost,
        textFiles: options.textFiles,
        binaryFiles: Object.fromEntries(Object.entries(options.binaryFiles).map(([path, bytes]) => [path, Array.from(bytes)])),
      },
    );
  } catch (error) {
    await close();
    throw error;
  }
  return { browser, context, page, origin, pageErrors, requests, close };
}

/** Requests to any host but the loopback address (a CDN, the real hub): none may happen. */
export function offMachineRequests(urls: string[]): string[] {
  return urls.filter((u) => {
    const url = new URL(u);
    if (url.protocol === "blob:" || url.protocol === "data:") return false;
    return url.hostname !== "127.0.0.1";
  });
}
