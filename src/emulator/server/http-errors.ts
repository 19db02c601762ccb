import type { Context, ErrorHandler } from "hono";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import type { z } from "zod";
import { ClearanceError } from "../../errors.js";

const STATUS: Record<string, ContentfulStatusCode> = {
  UNAUTHORIZED: 401,
  SYNC_NOT_FOUND: 404,
  RECORD_NOT_FOUND: 404,
  PATH_NOT_FOUND: 404,
  UNKNOWN_GROUP: 404,
  NOT_FOUND: 404,
  SYNC_DELETED: 409,
  SYNC_EXISTS: 409,
  PATH_EXISTS: 409,
  NOT_A_FILE: 409,
  NOT_A_FOLDER: 409,
  NOT_A_RECORD_SYNC: 409,
  RECORD_EXISTS: 409,
  NO_SIGNING_KEY: 409,
  BAD_REQUEST: 400,
  INVALID_CURSOR: 400,
  PATH_INVALID: 400,
  UNKNOWN_PERSON: 400,
  GROUP_CYCLE: 400,
  NO_CONTENT: 400,
  RECORD_INVALID: 400,
};

/** A JSON error response: `{ message, code, status }`. */
export function errorResponse(
  c: Context,
  status: ContentfulStatusCode,
  code: string,
  message: string,
): Response {
  return c.json({ message, code, status }, status);
}

/** Turns a thrown `ClearanceError` into its HTTP status; anything else is a 500 that names the failure. */
export const onError: ErrorHandler = (error, c) => {
  if (error instanceof ClearanceError) {
    return errorResponse(c, STATUS[error.code] ?? 500, error.code, error.message);
  }
  console.error("emulator: unexpected error", error);
  return errorResponse(c, 500, "INTERNAL", `the emulator failed: ${(error as Error).message}`);
};

/** Reads and validates a JSON body; a bad body is a 400 naming the field. */
export async function parseJson<T extends z.ZodType>(c: Context, schema: T): Promise<z.output<T>> {
  let raw: unknown;
  try {
    const text = await c.req.text();
    raw = text.trim() === "" ? {} : JSON.parse(text);
  } catch (cause) {
    throw new ClearanceError("BAD_REQUEST", "the request body is not valid JSON", { cause });
  }
  const parsed = schema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const field = issue?.path.length ? `${issue.path.join(".")}: ` : "";
    throw new ClearanceError("BAD_REQUEST", `${field}${issue?.message ?? "invalid body"}`);
  }
  return parsed.data;
}

/** A request was malformed (bad query parameter and the like). */
export function badRequest(message: string): ClearanceError {
  return new ClearanceError("BAD_REQUEST", message);
}
