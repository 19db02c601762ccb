import { EmulatorStateError } from "./errors.js";

/**
 * Normalises a path below a sync root: "/"-separated, no leading/trailing slash, no "." or "..".
 * @example normalizePath("/HR//Salaries.csv") // "HR/Salaries.csv"
 */
export function normalizePath(path: string): string {
  const parts = path.split("/").filter((part) => part !== "");
  for (const part of parts) {
    if (part === "." || part === "..") {
      throw new EmulatorStateError(
        "PATH_INVALID",
        `path "${path}" contains "${part}": give a plain path below the sync root`,
      );
    }
  }
  return parts.join("/");
}

/** The parent path ("" for a top-level entry). */
export function parentPath(path: string): string {
  const slash = path.lastIndexOf("/");
  return slash < 0 ? "" : path.slice(0, slash);
}

/** The last segment of a path. */
export function baseName(path: string): string {
  return path.slice(path.lastIndexOf("/") + 1);
}
