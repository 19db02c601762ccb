import type { z } from "zod";
import { ManagedSyncResponseError } from "./errors.js";

/** Where a body came from, for error messages. */
export interface BodyOrigin {
  endpoint: string;
  status?: number;
  requestId?: string;
}

/** Parses a JSON body and validates it, raising `ManagedSyncResponseError` that names the endpoint and the field. */
export function parseJsonBody<T>(text: string, schema: z.ZodType<T>, origin: BodyOrigin): T {
  if (text.trim() === "") {
    throw new ManagedSyncResponseError(
      `${origin.endpoint} returned an empty body where JSON was expected: check that PARAGON_SYNC_URL (the client's baseUrl) points at the Managed Sync API`,
      { ...origin, field: "(body)" },
    );
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (cause) {
    throw new ManagedSyncResponseError(
      `${origin.endpoint} returned a body that is not JSON (starts with ${JSON.stringify(text.slice(0, 80))}): check that PARAGON_SYNC_URL (the client's baseUrl) points at the Managed Sync API`,
      { ...origin, field: "(body)", cause },
    );
  }
  return validateValue(json, schema, origin);
}

/** Validates an already-parsed value against `schema` with the same error shape as `parseJsonBody`. */
export function validateValue<T>(value: unknown, schema: z.ZodType<T>, origin: BodyOrigin): T {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const { field, problem } = describeIssues(result.error, []);
  throw new ManagedSyncResponseError(
    `${origin.endpoint} returned an unexpected response: field ${field}: ${problem}. The API may have changed, or PARAGON_SYNC_URL (the client's baseUrl) points at another service`,
    { ...origin, field, cause: result.error },
  );
}

/**
 * Where a zod error's first issue is (`at` prefixes the path, e.g. `["data", 3]`) and what it is,
 * with how many more problems there are.
 */
export function describeIssues(
  error: z.ZodError,
  at: readonly PropertyKey[],
): { field: string; problem: string } {
  const [first, ...rest] = error.issues;
  const field = formatPath([...at, ...(first?.path ?? [])]);
  const more = rest.length > 0 ? ` (and ${rest.length} more problem${rest.length > 1 ? "s" : ""})` : "";
  return { field, problem: `${first?.message ?? "invalid"}${more}` };
}

/** `["data", 3, "id"]` → `data[3].id`; the empty path is the body itself. */
export function formatPath(path: readonly PropertyKey[]): string {
  if (path.length === 0) return "(body)";
  let out = "";
  for (const key of path) {
    if (typeof key === "number") out += `[${key}]`;
    else out += out === "" ? String(key) : `.${String(key)}`;
  }
  return out;
}
