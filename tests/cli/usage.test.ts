// Exit codes of the `scholia` contract: 2 for bad usage (with the usage text), 1 for a failure with a
// one-line reason on stderr, and nothing on stdout in either case.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildCli, removeTemporaryFiles, describeRun, expectOneLineFailure, runCli, tempDir, type CliRun } from "./helpers/cli";
import { makeDemoVault } from "./helpers/vault-files";

let cli: string;
let vault: string;

beforeAll(async () => {
  cli = await buildCli("usage");
  vault = await makeDemoVault(tempDir("usage-vault"));
});
afterAll(removeTemporaryFiles);

function expectUsageError(run: CliRun, mentions: RegExp): void {
  expect(run.code, describeRun(run)).toBe(2);
  expect(run.stdout).toBe("");
  expect(run.stderr).toMatch(mentions);
  expect(run.stderr).not.toMatch(/^\s+at /m);
}

describe("bad usage exits with code 2 and says what is wrong", () => {
  it("no arguments at all", async () => {
    expectUsageError(await runCli(cli, []), /missing command/);
  });

  it("an unknown command", async () => {
    expectUsageError(await runCli(cli, ["frobnicate", vault]), /unknown command "frobnicate"/);
  });

  it.each(["index", "chunks", "search", "ask", "concept"])("%s without a vault", async (command) => {
    expectUsageError(await runCli(cli, [command]), /missing <vault>/);
  });

  it("concepts without a vault", async () => {
    expectUsageError(await runCli(cli, ["concepts", "--from", "a.pdf"]), /missing <vault>/);
  });

  it.each([
    ["search", /missing the query/],
    ["ask", /missing the question/],
    ["concept", /missing the topic/],
  ])("%s without its text", async (command, message) => {
    expectUsageError(await runCli(cli, [command, vault]), message);
  });

  it("concepts without --from", async () => {
    expectUsageError(await runCli(cli, ["concepts", vault, "--json"]), /--from/);
  });

  it.each(["abc", "0", "-3", "2.5", ""])("--k %j", async (k) => {
    expectUsageError(await runCli(cli, ["search", vault, "training", `--k=${k}`]), /--k must be a whole number/);
  });

  it("--mode outside hybrid|keyword|vector", async () => {
    expectUsageError(await runCli(cli, ["search", vault, "training", "--mode", "fuzzy"]), /--mode must be hybrid, keyword or vector/);
  });

  it("an unknown flag", async () => {
    expectUsageError(await runCli(cli, ["index", vault, "--frobnicate"]), /frobnicate/);
  });

  it("a flag that needs a value given none", async () => {
    expectUsageError(await runCli(cli, ["search", vault, "training", "--k"]), /--k/);
  });

  it("a query split over several arguments", async () => {
    expectUsageError(await runCli(cli, ["search", vault, "how", "long"]), /quotes/);
  });

  it("--model together with --no-embeddings", async () => {
    expectUsageError(await runCli(cli, ["index", vault, "--model", "x", "--no-embeddings"]), /contradict/);
  });

  it("--llm-base-url without --llm-model", async () => {
    expectUsageError(await runCli(cli, ["ask", vault, "why?", "--llm-base-url", "http://127.0.0.1:9/v1"]), /--llm-model/);
  });

  it("the usage text is printed with a usage error", async () => {
    const run = await runCli(cli, ["frobnicate", vault]);
    expect(run.stderr).toContain("Usage: scholia <command> <vault>");
  });
});

describe("--help", () => {
  it("prints the usage and succeeds", async () => {
    const run = await runCli(cli, ["--help"]);
    expect(run.code).toBe(0);
    expect(run.stderr + run.stdout).toContain("Usage: scholia");
  });
});

describe("failures exit with code 1 and one line on stderr", () => {
  const missing = () => `${vault}-does-not-exist`;

  it.each([
    ["index", []],
    ["chunks", []],
    ["search", ["training"]],
    ["ask", ["How long did training take?"]],
    ["concept", ["warmup"]],
    ["concepts", ["--from", "a.pdf"]],
  ] as const)("%s on a vault folder that does not exist", async (command, rest) => {
    const line = expectOneLineFailure(await runCli(cli, [command, missing(), ...rest, "--json"]));
    expect(line).toMatch(/vault folder .*does not exist/);
  });

  it("a vault that is a file, not a folder", async () => {
    const line = expectOneLineFailure(await runCli(cli, ["index", `${vault}/Notes/Training small CNNs.md`, "--json"]));
    expect(line).toMatch(/does not exist/);
  });

  it.each([
    ["search", "training"],
    ["ask", "How long did training take?"],
  ])("%s before any index was built names the index folder and the fix", async (command, text) => {
    const line = expectOneLineFailure(await runCli(cli, [command, vault, text, "--json"]));
    expect(line).toMatch(/No index found in .*\.obsidian[/\\]plugins[/\\]scholia[/\\]index/);
    expect(line).toContain("scholia index");
  });

  it("a model folder that does not exist", async () => {
    const line = expectOneLineFailure(await runCli(cli, ["index", vault, "--model", "./no/such/model", "--json"]));
    expect(line).toContain("no/such/model");
  });

  it("concepts --from a file that is not in the vault", async () => {
    const line = expectOneLineFailure(await runCli(cli, ["concepts", vault, "--from", "Papers/missing.pdf", "--json"]));
    expect(line).toContain("Papers/missing.pdf");
  });

  it("concepts --from a path that leaves the vault", async () => {
    const line = expectOneLineFailure(await runCli(cli, ["concepts", vault, "--from", "../outside.md", "--json"]));
    expect(line.length).toBeGreaterThan(10);
  });

  it("concepts --out a folder outside the vault", async () => {
    const line = expectOneLineFailure(await runCli(cli, ["concepts", vault, "--from", "Notes/Training small CNNs.md", "--out", "../escape", "--dry-run", "--json"]));
    expect(line).toMatch(/leaves the vault/);
  });

  it("concepts --out an absolute folder outside the vault", async () => {
    const line = expectOneLineFailure(await runCli(cli, ["concepts", vault, "--from", "Notes/Training small CNNs.md", "--out", "/tmp/scholia-elsewhere", "--dry-run", "--json"]));
    expect(line).toMatch(/outside the vault/);
  });
});
