// The fault matrix: every way an LLM or embeddings endpoint fails, driven through the real CLI. Each
// case records what the user saw (exit code and the one sentence on stderr), how many requests reached
// the server (retries), and whether the vault and the index folder stayed byte-identical. Shared by
// fault-matrix.test.ts (which asserts) and scripts/torture.ts (which prints the table).
import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import * as path from "node:path";
import { replies, startFakeOpenAiServer, type FakeReply } from "../helpers/fake-openai-server";
import { diffSnapshots, indexDirOf, runCli, snapshotDir, STACK_LINE } from "./cli-harness";
import { startFaultyEmbeddingsServer, type EmbeddingFault } from "./faulty-embeddings-server";

export const API_KEY = "sk-test-SECRETKEY1234567890abcdefXYZ";
export const QUESTION = "How many days was the network trained on two GPUs?";
/** Notices that accompany a result and are not the error sentence (progress lines aside). */
const NOTICES = [/built without embeddings/, /keyword results only/];

export interface FaultRow {
  endpoint: "LLM" | "embeddings";
  fault: string;
  command: string;
  exit: number | null;
  requests: number;
  /** The error sentence(s) on stderr (notices excluded). */
  messages: string[];
  notices: string[];
  stdout: string;
  vaultChanges: string[];
  indexChanges: string[];
  leaked: boolean;
  stackTrace: boolean;
  ms: number;
}

/** A good reply: an answer for `ask`, concept JSON for `concepts` (per the command that asks). */
const OK = "ok" as const;

export interface LlmCase {
  fault: string;
  /** Replies for consecutive requests; the last one repeats. */
  replies: (FakeReply | typeof OK)[];
  /** The run ends well (the fault was retried away or is only slow). */
  succeeds?: boolean;
  /** Requests the server should see per command: one, or the first try plus two retries. */
  requests: number;
  /** The sentence the user sees. */
  message?: RegExp;
  /** Connect to a port nobody listens on. */
  refused?: boolean;
  /** The server demands another key (401 that echoes the key we sent). */
  wrongKey?: boolean;
  model?: string;
  /** Appended to the base URL (a wrong path gives the server's 404). */
  pathSuffix?: string;
}

const ANSWER = "The network was trained for six days on two GPUs [S1].";
const CONCEPTS_JSON = JSON.stringify({
  concepts: [
    {
      title: "Dropout",
      aliases: [],
      summary: { text: "Dropout is a regularization method that reduced overfitting.", cites: ["P1"] },
      sections: [{ heading: "Effect", claims: [{ text: "Dropout reduced overfitting in the fully connected layers.", cites: ["P1"] }] }],
      related: [],
    },
  ],
});

/** Pieces of a good reply, for the slow drip. */
function dripped(text: string): string[] {
  return text.match(/.{1,12}/gs) ?? [text];
}

export const LLM_CASES: LlmCase[] = [
  { fault: "connection refused", replies: [], refused: true, requests: 0, message: /Could not reach the language model server at http:\/\/127\.0\.0\.1:\d+\/v1; check that it is running/ },
  { fault: "401 wrong API key", replies: [], wrongKey: true, requests: 1, message: /rejected the API key \(HTTP 401\); check the key/ },
  { fault: "404 unknown model", replies: [], model: "no-such-model", requests: 1, message: /has no model named "no-such-model"/ },
  { fault: "404 wrong base URL", replies: [], pathSuffix: "/wrong", requests: 1, message: /has no chat-completions endpoint \(HTTP 404\); check the base URL/ },
  { fault: "429 with Retry-After: 1 (always)", replies: [replies.rateLimited(1)], requests: 3, message: /rate-limiting requests \(HTTP 429\); try again in 1 second\.$/ },
  { fault: "429 with Retry-After: 1, then OK", replies: [replies.rateLimited(1), OK], requests: 2, succeeds: true },
  { fault: "500 (always)", replies: [replies.error(500)], requests: 3, message: /failed with HTTP 500/ },
  { fault: "503 once, then OK", replies: [replies.error(503), OK], requests: 2, succeeds: true },
  { fault: "stream cut off after text", replies: [replies.truncated(["The network", " was trained"], "end")], requests: 1, message: /cut the answer off before it was complete/ },
  { fault: "stream cut off before any text", replies: [replies.truncated([], "end")], requests: 3, message: /cut the answer off before it was complete/ },
  { fault: "connection dropped mid-stream", replies: [replies.truncated(["The network"], "destroy")], requests: 1, message: /connection .* broke off before the answer was complete/ },
  { fault: "malformed stream chunk", replies: [replies.malformed(["The"])], requests: 1, message: /sent a malformed response/ },
  { fault: "slow drip (250 ms per piece)", replies: [OK], requests: 1, succeeds: true },
];

function resolveReply(reply: FakeReply | typeof OK | undefined, forConcepts: boolean, drip: boolean): FakeReply {
  if (reply !== undefined && reply !== OK) return reply;
  const text = forConcepts ? CONCEPTS_JSON : ANSWER;
  return drip ? replies.drip(dripped(text), 250) : replies.text(text);
}

export async function closedPortUrl(): Promise<string> {
  const port = await new Promise<number>((resolve) => {
    const s = createServer();
    s.listen(0, "127.0.0.1", () => {
      const p = (s.address() as { port: number }).port;
      s.close(() => resolve(p));
    });
  });
  return `http://127.0.0.1:${port}/v1`;
}

/** A small vault with a note that answers QUESTION and one other note. */
export function writeFaultVault(dir: string): void {
  mkdirSync(path.join(dir, "Notes"), { recursive: true });
  writeFileSync(
    path.join(dir, "Notes", "training.md"),
    "# Training\n\nThe network was trained for six days on two GPUs. Training took six days in total on two GTX 580 GPUs.\n\n## Regularization\n\nDropout regularization reduced overfitting substantially in the fully connected layers.\n",
  );
  writeFileSync(path.join(dir, "Notes", "data.md"), "# Data\n\nImageNet has 1.2 million training images in 1000 classes, and the validation set has 50,000 images.\n");
}

function splitStderr(stderr: string): { messages: string[]; notices: string[] } {
  const messages: string[] = [];
  const notices: string[] = [];
  for (const line of stderr.split("\n")) {
    if (!line.trim()) continue;
    if (NOTICES.some((n) => n.test(line)) || /^Indexing: /.test(line)) notices.push(line);
    else messages.push(line);
  }
  return { messages, notices };
}

function leaks(text: string): boolean {
  return text.includes(API_KEY) || text.includes(API_KEY.slice(-10)) || text.includes("SECRETKEY");
}

async function observe(endpoint: FaultRow["endpoint"], fault: string, command: string, vault: string, count: () => number, run: () => ReturnType<typeof runCli>): Promise<FaultRow> {
  const index = indexDirOf(vault);
  const vaultBefore = snapshotDir(vault);
  const indexBefore = snapshotDir(index);
  const before = count();
  const r = await run();
  const vaultAfter = snapshotDir(vault);
  const { messages, notices } = splitStderr(r.stderr);
  return {
    endpoint,
    fault,
    command,
    exit: r.code,
    requests: count() - before,
    messages,
    notices,
    stdout: r.stdout,
    vaultChanges: diffSnapshots(vaultBefore, vaultAfter).filter((d) => !d.includes(".obsidian/")),
    indexChanges: diffSnapshots(indexBefore, snapshotDir(index)),
    leaked: leaks(r.stdout) || leaks(r.stderr),
    stackTrace: STACK_LINE.test(r.stderr),
    ms: r.ms,
  };
}

/** Runs every LLM case against `ask` and `concepts --from`, each on its own copy of an indexed vault. */
export async function runLlmMatrix(cli: string, work: string): Promise<FaultRow[]> {
  const base = path.join(work, "llm-base");
  writeFaultVault(base);
  const built = await runCli(cli, ["index", base, "--no-embeddings"]);
  if (built.code !== 0) throw new Error(`indexing the fault vault failed: ${built.stderr}`);
  const rows = await Promise.all(
    LLM_CASES.map(async (c, i) => {
      const server = await startFakeOpenAiServer({ apiKey: c.wrongKey ? "sk-the-right-key-0000" : undefined });
      let n = 0;
      server.setResponder((req) => {
        const forConcepts = req.body.messages.some((m) => m.role === "system" && /concept note/i.test(m.content));
        return resolveReply(c.replies[Math.min(n++, c.replies.length - 1)], forConcepts, c.fault.startsWith("slow drip"));
      });
      const url = c.refused ? await closedPortUrl() : `${server.baseURL}${c.pathSuffix ?? ""}`;
      const llm = ["--llm-base-url", url, "--llm-model", c.model ?? "fake-model", "--llm-api-key", API_KEY];
      const out: FaultRow[] = [];
      try {
        for (const command of ["ask", "concepts"] as const) {
          n = 0;
          const vault = mkdtempSync(path.join(work, `llm-${i}-${command}-`));
          cpSync(base, vault, { recursive: true });
          // A copy's new mtimes would (rightly) make the next run refresh the index's file stamps;
          // refresh them now, so that any change seen below comes from the command under test.
          const refreshed = await runCli(cli, ["index", vault, "--no-embeddings"]);
          if (refreshed.code !== 0) throw new Error(`re-indexing the copied vault failed: ${refreshed.stderr}`);
          const args = command === "ask" ? ["ask", vault, QUESTION, "--json", ...llm] : ["concepts", vault, "--from", "Notes/training.md", "--json", ...llm];
          out.push(await observe("LLM", c.fault, command, vault, () => server.requests.length, () => runCli(cli, args, { timeoutMs: 60_000 })));
          rmSync(vault, { recursive: true, force: true });
        }
      } finally {
        await server.close();
      }
      return out;
    }),
  );
  return rows.flat();
}

export interface EmbeddingCase {
  fault: string;
  mode: EmbeddingFault | "refused";
  /** Requests per command (the embedder's dimension probe is the first). */
  requests: number;
  message?: RegExp;
}

export const EMBEDDING_CASES: EmbeddingCase[] = [
  { fault: "connection refused", mode: "refused", requests: 0, message: /Could not reach the embeddings server at 127\.0\.0\.1:\d+ \(connection refused; is the server running\?\)/ },
  { fault: "401 wrong API key", mode: "unauthorized", requests: 1, message: /rejected the API key \(HTTP 401\)/ },
  { fault: "404 unknown model", mode: "not-found", requests: 1, message: /no \/embeddings endpoint or no model "fake-model" \(HTTP 404\)/ },
  { fault: "429 with Retry-After: 1 (always)", mode: "rate-limited", requests: 6, message: /rate-limiting requests \(HTTP 429\)/ },
  { fault: "500 (always)", mode: "server-error", requests: 6, message: /failed \(HTTP 500\)/ },
  { fault: "malformed JSON body", mode: "malformed", requests: 1, message: /returned a response that is not JSON/ },
  { fault: "body cut off (connection dropped)", mode: "truncated", requests: 3, message: /the connection dropped before the reply was complete/ },
  { fault: "slow drip (100 ms per fifth of the body)", mode: "drip", requests: 2 },
];

/** Builds an index with a healthy remote embedder, then breaks the endpoint and runs `search`, `ask`
 *  and `index` against it. The endpoint's address stays the same, so the recorded model still matches. */
export async function runEmbeddingMatrix(cli: string, work: string): Promise<FaultRow[]> {
  const rows = await Promise.all(
    EMBEDDING_CASES.map(async (c, i) => {
      const server = await startFaultyEmbeddingsServer("ok");
      const vault = path.join(work, `emb-${i}`);
      writeFaultVault(vault);
      const env = { OPENAI_API_KEY: API_KEY };
      const out: FaultRow[] = [];
      try {
        const built = await runCli(cli, ["index", vault, "--embeddings-base-url", server.baseURL, "--embeddings-model", "fake-model", "--json"], { env });
        if (built.code !== 0) throw new Error(`indexing with the healthy endpoint failed: ${built.stderr}`);
        if (c.mode === "refused") await server.close();
        else server.setFault(c.mode);
        const count = () => (c.mode === "refused" ? 0 : server.count);
        out.push(await observe("embeddings", c.fault, "search", vault, count, () => runCli(cli, ["search", vault, "six days training", "--json"], { env, timeoutMs: 90_000 })));
        out.push(await observe("embeddings", c.fault, "ask", vault, count, () => runCli(cli, ["ask", vault, QUESTION, "--json"], { env, timeoutMs: 90_000 })));
        // A changed note gives `index` work to do; the failed endpoint must not cost the old index.
        writeFileSync(path.join(vault, "Notes", "data.md"), "# Data\n\nImageNet changed: now 1.3 million images.\n");
        out.push(await observe("embeddings", c.fault, "index (after an edit)", vault, count, () => runCli(cli, ["index", vault, "--json"], { env, timeoutMs: 90_000 })));
      } finally {
        if (c.mode !== "refused") await server.close();
      }
      return out;
    }),
  );
  return rows.flat();
}
