import pLimit from "p-limit";
import { type CallOptions, pathId } from "./call-options.js";
import { ManagedSyncArgumentError } from "./errors.js";
import type { HttpCore } from "./http.js";
import { BatchCheckResponseSchema, type BatchCheckResultItem, type Role } from "./permission-schemas.js";
import { linkAbort } from "./signals.js";
import { bareObjectId, plainUser, prefixedUser, type UserFormat } from "./users.js";

/** One access question: may `user` (email or `user:email`) have `role` on `object` (a record id)? */
export interface AccessCheck {
  object: string;
  user: string;
  role: Role;
}

/**
 * The answer to one `AccessCheck`, in input order. `error` set means the server could not decide
 * that item: `allowed` is then false, but callers should report it rather than treat it as a deny.
 */
export interface AccessCheckResult extends AccessCheck {
  allowed: boolean;
  error?: string;
}

/** Options of `batchCheck`. */
export interface BatchCheckOptions extends CallOptions {
  /** Checks per request (default 50). */
  batchSize?: number;
  /** Requests in flight at once (default 4). */
  concurrency?: number;
}

type Decision = { allowed: boolean; error?: string };

const ENDPOINT = "POST /api/permissions/{syncId}/batch-check";

/**
 * Runs many checks: dedupes them, splits them into batches, sends the batches with bounded
 * concurrency and maps the answers back to the input order. A failed request (after retries)
 * fails the whole call, so nothing is silently allowed or denied.
 */
export async function batchCheck(
  http: HttpCore,
  userFormat: UserFormat,
  syncId: string,
  checks: readonly AccessCheck[],
  options: BatchCheckOptions = {},
): Promise<AccessCheckResult[]> {
  const batchSize = options.batchSize ?? 50;
  const concurrency = options.concurrency ?? 4;
  if (
    !(Number.isInteger(batchSize) && batchSize > 0) ||
    !(Number.isInteger(concurrency) && concurrency > 0)
  ) {
    throw new ManagedSyncArgumentError(
      "INVALID_ARGUMENT",
      `batchSize and concurrency must be positive integers, got ${batchSize} and ${concurrency}`,
    );
  }
  const path = `/api/permissions/${pathId("syncId", syncId)}/batch-check`;
  const unique = new Map<string, AccessCheck>();
  for (const check of checks) {
    if (!check.object || !check.user) {
      throw new ManagedSyncArgumentError(
        "INVALID_ARGUMENT",
        `every check needs an object and a user, got ${JSON.stringify(check)}`,
      );
    }
    unique.set(checkKey(check), check);
  }
  const batches: AccessCheck[][] = [];
  const all = [...unique.values()];
  for (let i = 0; i < all.length; i += batchSize) batches.push(all.slice(i, i + batchSize));

  // One failed batch stops the others: the call fails as a whole anyway.
  const stop = new AbortController();
  const unlink = linkAbort(options.signal, stop);
  const signal = stop.signal;
  const limit = pLimit(concurrency);
  const decisions = new Map<string, Decision>();
  try {
    await Promise.all(
      batches.map((batch) =>
        limit(async () => {
          const body = {
            checks: batch.map((c) => ({
              object: c.object,
              user: userFormat === "documented" ? prefixedUser(c.user) : c.user,
              role: c.role,
            })),
          };
          const response = await http.json(
            {
              method: "POST",
              path,
              endpoint: ENDPOINT,
              retry: "safe",
              body,
              signal,
              timeoutMs: options.timeoutMs,
            },
            BatchCheckResponseSchema,
          );
          for (const [key, decision] of matchResults(batch, response.result)) decisions.set(key, decision);
        }),
      ),
    );
  } catch (error) {
    stop.abort();
    // The caller's abort, not the abort of the sibling batches it caused, is what to report.
    throw error;
  } finally {
    unlink();
  }
  return checks.map((check) => {
    const decision = decisions.get(checkKey(check)) ?? { allowed: false, error: "no result for this check" };
    return { ...check, ...decision };
  });
}

/**
 * Pairs results with the checks of one batch. The echoed `request` decides (its object with or
 * without `file:`, its user with or without `user:`); position is used only for a result without
 * an echo, and only when the counts agree. A result whose echo matches nothing is ignored, never
 * guessed: its check ends up "no result", which denies.
 */
export function matchResults(
  batch: readonly AccessCheck[],
  results: readonly BatchCheckResultItem[],
): Map<string, Decision> {
  const out = new Map<string, Decision>();
  const positional = results.length === batch.length;
  // Echoes are looked up by object: filtering the whole batch for each result was quadratic, about
  // 0.5–0.8 ms of client CPU for the answer to 120 checks, on the first query's critical path.
  const byObject = new Map<string, AccessCheck[]>();
  for (const check of batch) {
    const object = bareObjectId(check.object);
    const same = byObject.get(object);
    if (same) same.push(check);
    else byObject.set(object, [check]);
  }
  results.forEach((result, index) => {
    const check = result.request?.object
      ? findEchoed(byObject, result.request)
      : positional
        ? batch[index]
        : undefined;
    if (!check) return;
    const key = checkKey(check);
    const decision = toDecision(result);
    const earlier = out.get(key);
    if (earlier && (earlier.allowed !== decision.allowed || earlier.error !== decision.error)) {
      out.set(key, { allowed: false, error: "the server returned conflicting results for this check" });
    } else {
      out.set(key, decision);
    }
  });
  for (const check of batch) {
    if (!out.has(checkKey(check))) {
      out.set(checkKey(check), {
        allowed: false,
        error: "the batch-check response had no result for this check",
      });
    }
  }
  return out;
}

function findEchoed(
  byObject: ReadonlyMap<string, readonly AccessCheck[]>,
  echo: NonNullable<BatchCheckResultItem["request"]>,
) {
  const user = echo.user ? plainUser(echo.user) : undefined;
  const role = echo.role ?? echo.relation ?? undefined;
  const candidates = (byObject.get(bareObjectId(echo.object ?? "")) ?? []).filter(
    (c) => (user === undefined || plainUser(c.user) === user) && (role === undefined || c.role === role),
  );
  return candidates.length === 1 ? candidates[0] : undefined;
}

function toDecision(result: BatchCheckResultItem): Decision {
  // Fail closed: an error wins over any `allowed` sent alongside it.
  if (typeof result.error === "string" && result.error !== "") return { allowed: false, error: result.error };
  return { allowed: result.allowed === true };
}

function checkKey(check: AccessCheck): string {
  return `${bareObjectId(check.object)}\u0000${plainUser(check.user)}\u0000${check.role}`;
}
