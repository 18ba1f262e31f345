// `scholia ask <vault> "<question>" [--k 8] [--json] [LLM options]`: an extractive answer offline, a
// model's answer through an OpenAI-compatible server with its passage ids mapped to pages and seconds,
// refusals when the vault does not hold the answer, and failures that never print the API key.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { replies, startFakeOpenAiServer, type ChatRequest, type FakeOpenAiServer } from "../helpers/fake-openai-server";
import { buildCli, removeTemporaryFiles, describeRun, expectOneLineFailure, parseJson, runCli, tempDir, type CliRun } from "./helpers/cli";
import { danglingLinks, DEMO_PDF_PATH, DEMO_TRANSCRIPT, makeDemoVault, read, vaultFiles } from "./helpers/vault-files";

interface CitationJson {
  n: number;
  path: string;
  page?: number;
  start?: number;
  link: string;
  quote: string;
}
interface AskJson {
  question: string;
  answer: string;
  mode: "llm" | "extractive";
  refused: boolean;
  citations: CitationJson[];
  dropped: string[];
}

const API_KEY = "sk-test-Zq81x7PrivateKey0123456789";

let cli: string;
let vault: string;
let server: FakeOpenAiServer;

beforeAll(async () => {
  cli = await buildCli("ask");
  vault = await makeDemoVault(tempDir("ask"));
  const run = await runCli(cli, ["index", vault, "--json", "--no-embeddings"]);
  expect(run.code, describeRun(run)).toBe(0);
  server = await startFakeOpenAiServer({ models: ["fake-model"] });
});
afterAll(async () => {
  await server?.close();
  removeTemporaryFiles();
});

async function ask(question: string, ...flags: string[]): Promise<{ run: CliRun; result: AskJson }> {
  const run = await runCli(cli, ["ask", vault, question, "--json", ...flags]);
  expect(run.code, describeRun(run)).toBe(0);
  return { run, result: parseJson<AskJson>(run) };
}

function expectShape(result: AskJson, question: string): void {
  expect(result.question).toBe(question);
  expect(typeof result.answer).toBe("string");
  expect(typeof result.refused).toBe("boolean");
  expect(Array.isArray(result.dropped)).toBe(true);
  for (const c of result.citations) {
    expect(Object.keys(c).filter((k) => !["n", "path", "page", "start", "link", "quote"].includes(k))).toEqual([]);
    expect(c.link).toMatch(/^\[\[.+\]\]$/);
    expect(typeof c.quote).toBe("string");
  }
  expect(result.citations.map((c) => c.n)).toEqual(result.citations.map((_, i) => i + 1));
}

/** The passages a chat request shows the model: id, header and body, as the prompt fences them. */
function shownPassages(req: ChatRequest): Array<{ id: string; header: string; body: string }> {
  const user = req.body.messages.filter((m) => m.role === "user").at(-1)?.content ?? "";
  return [...user.matchAll(/⟦(S\d+) \| ([^⟧]*)⟧\n([\s\S]*?)\n⟦end \1⟧/g)].map((m) => ({ id: m[1], header: m[2], body: m[3] }));
}

function idOf(req: ChatRequest, cue: string): string {
  const hit = shownPassages(req).find((p) => p.body.replace(/\s+/g, " ").includes(cue));
  if (!hit) throw new Error(`no passage shown to the model contains "${cue}": ${JSON.stringify(shownPassages(req).map((p) => p.header))}`);
  return hit.id;
}

const llmFlags = () => ["--llm-base-url", server.baseURL, "--llm-model", "fake-model"];

describe("ask --json offline", () => {
  const question = "How many days did training take?";
  let result: AskJson;
  let run: CliRun;

  beforeAll(async () => {
    ({ run, result } = await ask(question));
  });

  it("answers extractively, with the contract's shape, as one JSON document", () => {
    expectShape(result, question);
    expect(result.mode).toBe("extractive");
    expect(result.refused).toBe(false);
    expect(result.dropped).toEqual([]);
    expect(run.stdout.trim().split("\n")).toHaveLength(1);
  });

  it("states the answer and cites where it is written", () => {
    expect(result.answer).toMatch(/four days/);
    expect(result.citations.length).toBeGreaterThan(0);
    expect(result.citations.some((c) => /four days/.test(c.quote))).toBe(true);
  });

  it("quotes each source verbatim from the cited file", () => {
    for (const c of result.citations) {
      expect(c.quote.length).toBeGreaterThan(10);
      if (!c.path.endsWith(".pdf")) expect(flat(read(vault, c.path))).toContain(flat(c.quote).replace(/[.…]+$/, ""));
    }
  });

  it("cites PDF pages with links that open the page, and links that all resolve", () => {
    const files = vaultFiles(vault);
    for (const c of result.citations) {
      expect(danglingLinks(c.link, files)).toEqual([]);
      if (c.path === DEMO_PDF_PATH) expect(c.link).toContain(`#page=${c.page}`);
    }
    expect(danglingLinks(result.answer, files)).toEqual([]);
  });

  it("--k limits the passages an answer can cite", async () => {
    const { result: one } = await ask(question, "--k", "1");
    expect(one.citations.length).toBeLessThanOrEqual(1);
  });

  it("refuses a question the vault cannot answer", async () => {
    const q = "What is the capital city of Mongolia?";
    const { result: off } = await ask(q);
    expectShape(off, q);
    expect(off.refused).toBe(true);
    expect(off.mode).toBe("extractive");
    expect(off.citations).toEqual([]);
    expect(off.answer.length).toBeGreaterThan(0);
  });

  it("prints the answer as markdown without --json", async () => {
    const plain = await runCli(cli, ["ask", vault, question]);
    expect(plain.code, describeRun(plain)).toBe(0);
    expect(plain.stdout).toMatch(/four days/);
    expect(plain.stdout).toMatch(/\[\[/);
    expect(() => JSON.parse(plain.stdout) as unknown).toThrow();
  });
});

describe("ask --json with an LLM", () => {
  const question = "What momentum and weight decay did the training use, and how long did the full run take?";

  it("maps the model's passage ids to citations of the right page and second, and drops invented ids", async () => {
    server.setResponder((req) =>
      replies.text(
        `PocketNet was trained with stochastic gradient descent with momentum 0.9 [${idOf(req, "momentum 0.9")}]. ` +
          `The full run took four days for 120 epochs [${idOf(req, "full run took four days")}]. ` +
          `It also used a secret trick [S42].`,
      ),
    );
    const { run, result } = await ask(question, ...llmFlags(), "--k", "8");
    expectShape(result, question);
    expect(result.mode).toBe("llm");
    expect(result.refused).toBe(false);
    expect(result.dropped).toEqual(["S42"]);
    expect(result.answer).not.toMatch(/\[S\d+\]/);

    const pdf = result.citations.find((c) => c.path === DEMO_PDF_PATH);
    expect(pdf?.page).toBe(3);
    expect(pdf?.link).toMatch(/#page=3[&|]/);
    expect(pdf?.quote).toMatch(/momentum 0\.9/);
    const video = result.citations.find((c) => c.path === DEMO_TRANSCRIPT);
    expect(video?.start).toBe(101);
    expect(result.citations).toHaveLength(2);
    expect(danglingLinks(result.answer, vaultFiles(vault))).toEqual([]);
    expect(run.stdout.trim().split("\n")).toHaveLength(1);
  });

  it("sends the question and the retrieved passages to the configured model", async () => {
    const before = server.chatRequests().length;
    server.setResponder((req) => replies.text(`Momentum 0.9 [${idOf(req, "momentum 0.9")}].`));
    await ask(question, ...llmFlags());
    const sent = server.chatRequests().slice(before);
    expect(sent.length).toBeGreaterThan(0);
    const last = sent.at(-1)!;
    expect(last.body.model).toBe("fake-model");
    expect(last.body.messages.at(-1)!.content).toContain(question);
    expect(shownPassages(last).length).toBeGreaterThan(0);
  });

  it("reports a refusal when the model finds no answer in the passages", async () => {
    server.setResponder(() => replies.text("NOT_IN_SOURCES"));
    const { result } = await ask("What learning rate warmup did PocketNet use?", ...llmFlags());
    expect(result.mode).toBe("llm");
    expect(result.refused).toBe(true);
    expect(result.citations).toEqual([]);
  });

  it("uses the key from --llm-api-key", async () => {
    const keyed = await startFakeOpenAiServer({ apiKey: API_KEY, respond: (req) => replies.text(`Momentum 0.9 [${idOf(req, "momentum 0.9")}].`) });
    try {
      const run = await runCli(cli, ["ask", vault, question, "--json", "--llm-base-url", keyed.baseURL, "--llm-model", "fake-model", "--llm-api-key", API_KEY]);
      expect(run.code, describeRun(run)).toBe(0);
      expect(parseJson<AskJson>(run).citations.length).toBeGreaterThan(0);
    } finally {
      await keyed.close();
    }
  });

  it("uses the key from OPENAI_API_KEY", async () => {
    const keyed = await startFakeOpenAiServer({ apiKey: API_KEY, respond: (req) => replies.text(`Momentum 0.9 [${idOf(req, "momentum 0.9")}].`) });
    try {
      const run = await runCli(cli, ["ask", vault, question, "--json", "--llm-base-url", keyed.baseURL, "--llm-model", "fake-model"], { env: { OPENAI_API_KEY: API_KEY } });
      expect(run.code, describeRun(run)).toBe(0);
      expect(keyed.chatRequests().at(-1)!.headers.authorization).toBe(`Bearer ${API_KEY}`);
    } finally {
      await keyed.close();
    }
  });
});

describe("LLM failures", () => {
  let keyed: FakeOpenAiServer;
  beforeAll(async () => {
    keyed = await startFakeOpenAiServer({ apiKey: "the-right-key" });
  });
  afterAll(async () => keyed?.close());

  function expectNoKey(run: CliRun): void {
    for (const part of [API_KEY, API_KEY.slice(-12), API_KEY.slice(8, 20)]) {
      expect(run.stderr).not.toContain(part);
      expect(run.stdout).not.toContain(part);
    }
  }

  it("a 401 for the key given with --llm-api-key: exit 1, one line, no key", async () => {
    const run = await runCli(cli, ["ask", vault, "How long did training take?", "--json", "--llm-base-url", keyed.baseURL, "--llm-model", "fake-model", "--llm-api-key", API_KEY]);
    const line = expectOneLineFailure(run);
    expect(line).toMatch(/key|401|unauthori[sz]ed|authenticat/i);
    expectNoKey(run);
    expect(keyed.requests.length).toBeGreaterThan(0);
  });

  it("a 401 for the key from OPENAI_API_KEY: exit 1, one line, no key", async () => {
    const run = await runCli(cli, ["ask", vault, "How long did training take?", "--json", "--llm-base-url", keyed.baseURL, "--llm-model", "fake-model"], {
      env: { OPENAI_API_KEY: API_KEY },
    });
    expectOneLineFailure(run);
    expectNoKey(run);
  });

  it("a model the server does not have: exit 1, one line naming it", async () => {
    const run = await runCli(cli, ["ask", vault, "How long did training take?", "--json", "--llm-base-url", server.baseURL, "--llm-model", "no-such-model"]);
    expect(expectOneLineFailure(run)).toContain("no-such-model");
  });

  it("a server that is not there: exit 1, one line", async () => {
    const gone = await startFakeOpenAiServer();
    const url = gone.baseURL;
    await gone.close();
    const run = await runCli(cli, ["ask", vault, "How long did training take?", "--json", "--llm-base-url", url, "--llm-model", "fake-model"]);
    expect(expectOneLineFailure(run).length).toBeGreaterThan(10);
  });
});

function flat(text: string): string {
  return text.replace(/\s+/g, " ").trim();
}
