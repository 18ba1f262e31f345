// A loopback stand-in for the Hugging Face hub: model folders served under the hub's URL layout,
// `/{owner}/{name}/resolve/{revision}/{file}`, which transformers.js builds from `env.remoteHost` and
// `env.remotePathTemplate`. It answers cross-origin requests (the embedding worker's origin is the
// page's, on another port), serves byte ranges as the hub does (transformers.js 4 asks for
// `Range: bytes=0-0` to learn a file's size before downloading it), and can trickle large files out so
// a download takes visible time.
import { createReadStream } from "node:fs";
import { stat } from "node:fs/promises";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { join, normalize, sep } from "node:path";
import type { Socket } from "node:net";

export interface ModelHubOptions {
  /** Hub ids ("owner/name") mapped to model folders in the transformers.js layout. */
  models: Record<string, string>;
  /** Files larger than this many bytes are sent at `throttleBytesPerSecond`. Default 1 MB. */
  throttleAbove?: number;
  /** Rate for large files, so the download shows progress. Default: unthrottled. */
  throttleBytesPerSecond?: number;
}

export interface HubRequest {
  method: string;
  path: string;
  status: number;
  origin?: string;
  /** The Range header, for metadata probes. */
  range?: string;
}

export interface ModelHub {
  /** e.g. "http://127.0.0.1:54321/" — what transformers.js takes as `remoteHost`. */
  readonly url: string;
  readonly requests: HubRequest[];
  close(): Promise<void>;
}

const CORS = {
  "access-control-allow-origin": "*",
  "access-control-allow-headers": "*",
  "access-control-expose-headers": "accept-ranges, content-length, content-range, content-type, etag, x-error-code, x-error-message",
};

const TYPES: Record<string, string> = { json: "application/json", onnx: "application/octet-stream", txt: "text/plain" };

function notFound(res: ServerResponse, message: string): void {
  // The hub's own answer for a missing file in an existing repository.
  res.writeHead(404, { ...CORS, "content-type": "application/json", "x-error-code": "EntryNotFound", "x-error-message": message });
  res.end(JSON.stringify({ error: message }));
}

export function startModelHub(options: ModelHubOptions): Promise<ModelHub> {
  const requests: HubRequest[] = [];
  const sockets = new Set<Socket>();
  const threshold = options.throttleAbove ?? 1_000_000;

  const serve = async (req: IncomingMessage, res: ServerResponse, record: HubRequest): Promise<void> => {
    if (req.method === "OPTIONS") {
      res.writeHead(204, { ...CORS, "access-control-allow-methods": "GET, HEAD, OPTIONS" }).end();
      return;
    }
    const match = /^\/([^/]+\/[^/]+)\/resolve\/([^/]+)\/(.+)$/.exec(record.path);
    const folder = match ? options.models[decodeURIComponent(match[1])] : undefined;
    if (!match || !folder) {
      res.writeHead(401, { ...CORS, "x-error-code": "RepoNotFound" }).end("Repository not found");
      return;
    }
    const relative = normalize(decodeURIComponent(match[3]));
    if (relative.startsWith("..") || relative.includes(`${sep}..`)) return notFound(res, "Invalid path");
    const file = join(folder, relative);
    const info = await stat(file).catch(() => null);
    if (!info?.isFile()) return notFound(res, `Entry not found: ${match[3]}`);
    const ext = file.slice(file.lastIndexOf(".") + 1);
    const headers = { ...CORS, "content-type": TYPES[ext] ?? "application/octet-stream", "accept-ranges": "bytes", etag: `"${info.size}-${info.mtimeMs}"` };
    const range = /^bytes=(\d+)-(\d*)$/.exec(record.range ?? "");
    if (range) {
      const start = Number(range[1]);
      const end = Math.min(info.size - 1, range[2] === "" ? info.size - 1 : Number(range[2]));
      if (start > end) {
        res.writeHead(416, { ...headers, "content-range": `bytes */${info.size}` }).end();
        return;
      }
      res.writeHead(206, { ...headers, "content-length": end - start + 1, "content-range": `bytes ${start}-${end}/${info.size}` });
      if (req.method === "HEAD") return void res.end();
      createReadStream(file, { start, end }).pipe(res);
      return;
    }
    res.writeHead(200, { ...headers, "content-length": info.size });
    if (req.method === "HEAD") return void res.end();
    const rate = options.throttleBytesPerSecond;
    if (!rate || info.size <= threshold) return void createReadStream(file).pipe(res);
    // Trickled in slices every 50 ms, so the client sees many progress events.
    const slice = Math.max(1, Math.floor(rate / 20));
    const stream = createReadStream(file, { highWaterMark: slice });
    stream.on("data", (chunk) => {
      stream.pause();
      res.write(chunk);
      setTimeout(() => stream.resume(), 50);
    });
    stream.on("end", () => res.end());
    stream.on("error", () => res.destroy());
  };

  const server = createServer((req, res) => {
    const record: HubRequest = { method: req.method ?? "GET", path: (req.url ?? "/").split("?")[0], status: 0, origin: req.headers.origin, range: req.headers.range };
    requests.push(record);
    res.on("finish", () => (record.status = res.statusCode));
    serve(req, res, record).catch(() => res.destroy());
  });
  server.on("connection", (socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
  });
  return new Promise((resolve) =>
    server.listen(0, "127.0.0.1", () =>
      resolve({
        url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/`,
        requests,
        close: () =>
          new Promise<void>((done) => {
            for (const s of sockets) s.destroy();
            server.close(() => done());
          }),
      }),
    ),
  );
}
