import { z } from "zod";
import { readBodyLimited } from "../http/index.js";

/** The JSON body of a chat request. */
export const chatRequestSchema = z
  .object({
    question: z
      .string({ error: "must be a string: the question to answer" })
      .trim()
      .min(1, "must not be empty: ask something")
      .max(4000, "is too long: keep it under 4,000 characters"),
    stream: z.boolean({ error: "must be true or false" }).optional(),
    k: z
      .number({ error: "must be a number" })
      .int("must be a whole number")
      .positive("must be at least 1")
      .optional(),
  })
  .strict();

export type ChatRequest = z.infer<typeof chatRequestSchema>;

/** Why a body was refused: the HTTP status, a stable code, and what to fix. */
export interface BodyProblem {
  status: 400 | 413 | 415;
  code: string;
  message: string;
  issues?: { path: string; message: string }[];
}

/** Reads and validates a chat body; `maxK` caps `k`, `maxBytes` the body size. */
export async function readChatRequest(
  request: Request,
  limits: { maxK: number; maxBytes: number },
): Promise<{ ok: true; value: ChatRequest } | { ok: false; problem: BodyProblem }> {
  const type = request.headers.get("content-type") ?? "";
  if (!/^application\/(?:[\w.+-]+\+)?json\b/i.test(type)) {
    return {
      ok: false,
      problem: {
        status: 415,
        code: "UNSUPPORTED_MEDIA_TYPE",
        message: `send the body as JSON with content-type: application/json (got ${type || "none"})`,
      },
    };
  }
  const text = await readBodyLimited(request, limits.maxBytes);
  if (text === undefined) {
    return {
      ok: false,
      problem: {
        status: 413,
        code: "BODY_TOO_LARGE",
        message: `the body is over ${limits.maxBytes} bytes: send only { question, stream?, k? }`,
      },
    };
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    return {
      ok: false,
      problem: {
        status: 400,
        code: "BAD_JSON",
        message: `the body is not valid JSON (${(error as Error).message}): send { "question": "…" }`,
      },
    };
  }
  const parsed = chatRequestSchema.safeParse(json);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((issue) => ({
      path: issue.path.join(".") || "(body)",
      message:
        issue.code === "unrecognized_keys"
          ? `unknown field${issue.keys.length > 1 ? "s" : ""} ${issue.keys.join(", ")}: allowed are question, stream, k`
          : issue.path.length === 0
            ? 'must be a JSON object like { "question": "…" }'
            : issue.message,
    }));
    return { ok: false, problem: badRequest(issues) };
  }
  if (parsed.data.k !== undefined && parsed.data.k > limits.maxK) {
    return { ok: false, problem: badRequest([{ path: "k", message: `must be at most ${limits.maxK}` }]) };
  }
  return { ok: true, value: parsed.data };
}

function badRequest(issues: { path: string; message: string }[]): BodyProblem {
  return {
    status: 400,
    code: "BAD_REQUEST",
    message: issues.map((i) => `${i.path}: ${i.message}`).join("; "),
    issues,
  };
}
