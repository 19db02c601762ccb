import { type Stats, statSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { StoreInputError } from "../errors.js";

/**
 * A local store path must be a folder or not exist yet, under a folder. LanceDB's own error for a
 * path through a file ("cannot walk dir … Not a directory", after a retry loop) hides that cause.
 * Object-store URIs (s3://, gs://…) are LanceDB's to check.
 */
export function checkStoreFolder(dir: string): void {
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(dir)) return;
  const wanted = resolve(dir);
  for (let path = wanted; ; path = dirname(path)) {
    const stat = statOf(path);
    if (stat === null || stat?.isDirectory()) return;
    if (stat) {
      const where = path === wanted ? "is a file" : `is inside ${path}, which is a file`;
      throw new StoreInputError(
        "STORE_DIR_INVALID",
        `the store folder ${wanted} ${where}, not a folder: set store.dir (CLEARANCE_STORE_DIR) to a folder`,
      );
    }
    if (dirname(path) === path) return;
  }
}

/**
 * The path's stat; undefined when nothing is there (ENOENT, or ENOTDIR: a file on the way); null
 * when it cannot be told (EACCES…: LanceDB's own error says it, with its cause).
 */
function statOf(path: string): Stats | undefined | null {
  try {
    return statSync(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    return code === "ENOENT" || code === "ENOTDIR" ? undefined : null;
  }
}
