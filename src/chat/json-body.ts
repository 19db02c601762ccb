import type { z } from "zod";
import { readBodyLimited } from "../http/index.js";
import type { Failure } from "./error-response.js";

/** A request body read and validated, or why it was refused. */
export type BodyResult<T> = { ok: true; value: T } | { ok: false; failure: Failure };

export interface BodyIssue {
  path: string;
  message: string;
}

/**
 * The JSON of a request body: 415 unless it is sent as JSON, 413 past `maxBytes`, 400 when it does
 * not parse. `example` shows the caller what to send; `signal` stops the read (it throws its reason).
 */
export async function readJsonBody(
  request: Request,
  maxBytes: number,
  example: string,
  signal?: AbortSignal,
): Promise<BodyResult<unknown>> {
  const type = request.headers.get("content-type") ?? "";
  if (!/^application\/(?:[\w.+-]+\+)?json\b/i.test(type)) {
    return refuse(
      415,
      "UNSUPPORTED_MEDIA_TYPE",
      `send the body as JSON with content-type: application/json (got ${type || "none"})`,
    );
  }
  const text = await readBodyLimited(request, maxBytes, signal);
  if (text === undefined) {
    return refuse(413, "BODY_TOO_LARGE", `the body is over ${maxBytes} bytes: send ${example}`);
  }
  try {
    return { ok: true, value: JSON.parse(text) as unknown };
  } catch (error) {
    return refuse(
      400,
      "BAD_JSON",
      `the body is not valid JSON (${(error as Error).message}): send ${example}`,
    );
  }
}

/** Validates parsed JSON against a schema; every issue is named by its path (`messages.2.content: …`). */
export function validateBody<T>(
  schema: z.ZodType<T>,
  json: unknown,
  explain: (issue: z.core.$ZodIssue) => string = (issue) => issue.message,
): BodyResult<T> {
  const parsed = schema.safeParse(json);
  if (parsed.success) return { ok: true, value: parsed.data };
  return badRequest(
    parsed.error.issues.map((issue) => ({ path: issue.path.join(".") || "(body)", message: explain(issue) })),
  );
}

/** 400 with each problem named by its path. */
export function badRequest(issues: BodyIssue[]): { ok: false; failure: Failure } {
  return {
    ok: false,
    failure: {
      status: 400,
      code: "BAD_REQUEST",
      message: issues.map((i) => `${i.path}: ${i.message}`).join("; "),
      extra: { issues },
    },
  };
}

function refuse(status: number, code: string, message: string): { ok: false; failure: Failure } {
  return { ok: false, failure: { status, code, message } };
}
