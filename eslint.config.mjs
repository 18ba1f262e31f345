import { defineConfig, globalIgnores } from "eslint/config";
import obsidianmd from "eslint-plugin-obsidianmd";

export default defineConfig([
  globalIgnores(["node_modules", "main.js", "dist", "demo-vault", "demo-model", "artifacts", "bench/models", "bench/results.json", "tests/**/.tmp/**", "**/*.mjs", ".eval-cache"]),
  ...obsidianmd.configs.recommended,
  {
    languageOptions: {
      parserOptions: {
        projectService: { allowDefaultProject: ["eslint.config.mjs"] },
        tsconfigRootDir: import.meta.dirname,
      },
    },
  },
  {
    // TypeScript checks names itself; ESLint's no-undef does not know DOM, Node and worker globals.
    files: ["**/*.ts"],
    rules: { "no-undef": "off" },
  },
  {
    // The core and the CLI run in Node and in workers, not in an Obsidian window.
    files: ["src/core/**/*.ts", "src/cli/**/*.ts", "tests/**/*.ts", "scripts/**/*.ts", "bench/**/*.ts"],
    rules: {
      "obsidianmd/no-nodejs-modules": "off",
      "obsidianmd/prefer-window-timers": "off",
      "obsidianmd/no-global-this": "off",
      "obsidianmd/prefer-create-el": "off",
      "import/no-nodejs-modules": "off",
    },
  },
  {
    // Outside Obsidian there is no Vault#configDir: the CLI contract names the folder itself.
    files: ["src/cli/**/*.ts", "tests/**/*.ts", "scripts/**/*.ts", "bench/**/*.ts"],
    rules: { "obsidianmd/hardcoded-config-path": "off" },
  },
  {
    // Tests, benchmarks and scripts report to the terminal on purpose.
    files: ["tests/**/*.ts", "scripts/**/*.ts", "bench/**/*.ts"],
    rules: { "no-console": "off", "obsidianmd/rule-custom-message": "off" },
  },
]);
