// Writes docs/configuration.md from the config schema; `--check` only compares (exit 1 when stale).
//
//   npx tsx scripts/make-config-docs.ts [--check]
import { readFileSync, writeFileSync } from "node:fs";
import { renderConfigReference } from "./config-reference.js";

const PAGE = new URL("../docs/configuration.md", import.meta.url);
const page = renderConfigReference();
if (process.argv.includes("--check")) {
  const committed = readFileSync(PAGE, "utf8");
  if (committed !== page) {
    console.error("docs/configuration.md is stale: run npx tsx scripts/make-config-docs.ts");
    process.exitCode = 1;
  }
} else {
  writeFileSync(PAGE, page);
  console.log(`wrote ${PAGE.pathname}`);
}
