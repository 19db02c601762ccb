import { StoreError, StoreInputError } from "../errors.js";

// Points per upsert request and record ids per filter: keeps request bodies well under limits.
export const BATCH = 256;
export const RECORDS_PER_FILTER = 1_000;

/** Runs a Qdrant request, turning its failures into {@link StoreError}s that say what failed. */
export async function qdrantRequest<T>(what: string, run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (cause) {
    if (cause instanceof StoreInputError || cause instanceof StoreError) throw cause;
    throw new StoreError(
      "STORE_REQUEST_FAILED",
      `Qdrant ${what} failed: ${(cause as Error)?.message ?? cause}`,
      {
        cause,
      },
    );
  }
}
