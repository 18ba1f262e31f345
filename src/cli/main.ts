// The headless `scholia` command. Contract: ../shared/docs/cli.md.
process.stderr.write("scholia: not built yet\n");
process.exit(1);
