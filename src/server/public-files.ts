import { existsSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { ClearanceError } from "../errors.js";

/** The page's files, by URL path. */
const FILES = {
  "/": { file: "index.html", type: "text/html; charset=utf-8" },
  "/app.js": { file: "app.js", type: "text/javascript; charset=utf-8" },
  "/conversation.js": { file: "conversation.js", type: "text/javascript; charset=utf-8" },
  "/events.js": { file: "events.js", type: "text/javascript; charset=utf-8" },
  "/render.js": { file: "render.js", type: "text/javascript; charset=utf-8" },
  "/app.css": { file: "app.css", type: "text/css; charset=utf-8" },
} as const;

export type PublicPath = keyof typeof FILES;
export const PUBLIC_PATHS = Object.keys(FILES) as PublicPath[];

/** The page's files, read once: from `./public` beside this module, or from `src/` when running compiled. */
export function loadPublicFiles(): Map<PublicPath, { body: string; type: string }> {
  const dir = publicDir();
  const out = new Map<PublicPath, { body: string; type: string }>();
  for (const path of PUBLIC_PATHS) {
    const { file, type } = FILES[path];
    out.set(path, { body: readFileSync(new URL(file, dir), "utf8"), type });
  }
  return out;
}

function publicDir(): URL {
  const candidates = [
    new URL("./public/", import.meta.url),
    // tsc does not copy non-TS files: a build in dist/ falls back to the sources.
    new URL("../../src/server/public/", import.meta.url),
  ];
  const found = candidates.find((url) => existsSync(fileURLToPath(new URL("index.html", url))));
  if (!found) {
    throw new ClearanceError(
      "PAGE_MISSING",
      `the chat page's files are missing (looked in ${candidates.map((u) => fileURLToPath(u)).join(", ")}): reinstall Clearance`,
    );
  }
  return found;
}
