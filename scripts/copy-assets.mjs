// tsc compiles only TypeScript; the files code reads at run time (authorization models, the chat
// page) are copied beside the compiled JavaScript so `dist/` works without `src/`.
import { cpSync, existsSync } from "node:fs";

const assets = ["authz/models", "server/public"];
for (const dir of assets) {
  if (existsSync(`src/${dir}`)) cpSync(`src/${dir}`, `dist/${dir}`, { recursive: true });
}
