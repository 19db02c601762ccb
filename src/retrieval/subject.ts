import { normalizeSubject } from "../access/index.js";
import { ClearanceError } from "../errors.js";

/** A view bound with `forUser(a)` was invoked with `configurable.user = b`. */
export class SubjectConflictError extends ClearanceError {
  constructor(bound: string, given: string) {
    super(
      "SUBJECT_CONFLICT",
      `this retriever is bound to ${bound} but the call names ${given}: use the unbound retriever with configurable.user, or the bound view without it`,
    );
  }
}

/**
 * Who a call is for, normalised: the user a view is bound to, or the one the call names. Both given
 * and different people is an error rather than a guess. Undefined means nobody: the caller must refuse.
 */
export function resolveSubject(bound: string | undefined, given: unknown): string | undefined {
  const named = typeof given === "string" ? normalizeSubject(given) || undefined : undefined;
  if (bound && named && named !== bound) throw new SubjectConflictError(bound, named);
  return bound ?? named;
}
