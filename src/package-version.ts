import { readFileSync } from "node:fs";

/**
 * Clearance's version, from its package.json: what `clearance --version` prints and the MCP server
 * tells its clients. The build keeps `import.meta.url` pointing at this file's place in the
 * package, so the path holds in dist/ as in src/.
 */
export const PACKAGE_VERSION = (
  JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8")) as { version: string }
).version;
