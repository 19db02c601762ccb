import { untilAborted } from "../../managed-sync/signals.js";
import { StoreError, StoreInputError } from "../errors.js";

// Points per upsert request and record ids per filter: keeps request bodies well under limits.
export const BATCH = 256;
export const RECORDS_PER_FILTER = 1_000;

/**
 * Runs a Qdrant request, turning its failures into {@link StoreError}s that say what failed, what
 * Qdrant said and what to do. With a `signal`, an abort rejects at once (with the signal's reason)
 * instead of when Qdrant answers: the client takes no per-call signal, and its own timeout is 5 min.
 */
export async function qdrantRequest<T>(
  what: string,
  run: () => Promise<T>,
  signal?: AbortSignal,
): Promise<T> {
  signal?.throwIfAborted();
  try {
    return await (signal ? untilAborted(run(), signal) : run());
  } catch (cause) {
    if (cause instanceof StoreInputError || cause instanceof StoreError) throw cause;
    if (signal?.aborted && cause === signal.reason) throw cause;
    throw new StoreError("STORE_REQUEST_FAILED", failureMessage(what, cause), { cause });
  }
}

/**
 * The message for a failed request. The client's `ApiError` carries only the HTTP status text
 * ("Bad Request") as its message; Qdrant's reason is in `data.status.error` (its REST error body).
 */
function failureMessage(what: string, cause: unknown): string {
  const error = cause as
    | { name?: string; message?: string; status?: unknown; data?: { status?: { error?: unknown } } }
    | undefined;
  const reason = typeof error?.data?.status?.error === "string" ? error.data.status.error : undefined;
  const status = typeof error?.status === "number" ? error.status : undefined;
  const said = reason ?? error?.message ?? String(cause);
  const failed = `Qdrant ${what} failed${status !== undefined ? ` (HTTP ${status})` : ""}: ${said}`;
  if (error?.name === "QdrantClientTimeoutError") {
    return `${failed}: Qdrant did not answer in time; check the server's load and QDRANT_URL`;
  }
  if (status === 401 || status === 403) return `${failed}: check QDRANT_API_KEY (store.apiKey)`;
  if (status === 404) {
    return `${failed}: the collection is missing (deleted while Clearance ran?); restart to recreate it, then re-ingest`;
  }
  if (status === 429)
    return `${failed}: Qdrant is rate-limiting this client; retry later or raise its limits`;
  if (status !== undefined && status >= 500)
    return `${failed}: Qdrant failed on its side; retry, and check its logs`;
  if (status !== undefined) {
    return `${failed}: Qdrant refused the request; Clearance needs Qdrant ≥ 1.16, and a collection in strict mode needs every filtered key indexed (Clearance creates its indexes at open)`;
  }
  return `${failed}: check that Qdrant is reachable at QDRANT_URL`;
}
