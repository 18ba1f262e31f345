import { defineConfig } from "vitest/config";

export default defineConfig({
  // `obsidian` ships types only; plugin tests get the in-memory mocks in its place.
  resolve: { alias: [{ find: /^obsidian$/, replacement: "obsidian-test-mocks/obsidian" }] },
  test: {
    include: ["tests/**/*.test.ts"],
    exclude: ["tests/e2e/**", "node_modules/**"],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: "forks",
  },
});
