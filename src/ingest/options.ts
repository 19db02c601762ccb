import type { EmbeddingsInterface } from "@langchain/core/embeddings";
import { z } from "zod";
import type { OwnerDirectory, OwnersInput } from "../records/index.js";
import type { ChunkStore } from "../store/index.js";
import type { CompanyNameCache } from "./company-names.js";
import { IngestArgumentError } from "./errors.js";
import type { IngestProgressListener } from "./events.js";
import type { IngestMode } from "./report.js";
import type { IngestSource } from "./source.js";

/** Everything `ingest()` needs. The tuning fields share their names with the config's `ingest` section. */
export interface IngestOptions {
  /** The Managed Sync client (a `ManagedSyncClient`), authenticated as `tenant`. */
  client: IngestSource;
  store: ChunkStore;
  embeddings: EmbeddingsInterface;
  /** The Connected User whose syncs are ingested; every chunk is tagged with it. */
  tenant: string;
  /** Sync ids to ingest; all of the tenant's syncs when omitted. */
  syncs?: readonly string[];
  /** Default `incremental`. */
  mode?: IngestMode;
  /** Records per page pulled (default 100). */
  pageSize?: number;
  chunkSize?: number;
  chunkOverlap?: number;
  /** Files larger than this are recorded as unindexable (`TOO_LARGE`) and never downloaded past it; raising it retries them. */
  maxFileBytes?: number;
  /** Extracted text longer than this is recorded as unindexable (`TOO_LONG`); raising it retries them. */
  maxChars?: number;
  /**
   * A file that would inflate past this many bytes while it is read (an OOXML zip's entries, the
   * buffers a PDF's compressed streams decode into) is recorded as unindexable (`ZIP_BOMB`).
   */
  maxUncompressedBytes?: number;
  /** A file whose parsing takes longer is recorded as failed (`TIMEOUT`); its extraction worker is killed. */
  extractTimeoutMs?: number;
  /**
   * Heap limit of each extraction worker thread, in MB (default 512). A file whose parse needs more
   * is recorded as unindexable (`OUT_OF_MEMORY`); raising it retries them. Each of up to 4 workers
   * may use this much.
   */
  extractMemoryMb?: number;
  /**
   * How long one file's download may take (default: the Managed Sync client's `timeoutMs`). A
   * download that times out or is cut off is retried next run, and is recorded as unindexable
   * once it has failed the same way on 3 runs in a row; raising this reads such files again.
   */
  downloadTimeoutMs?: number;
  /** Downloads and extractions in flight at once (default 4). */
  concurrency?: number;
  /**
   * New chunks embedded and written at a time (default 2,000): bounds the vectors a page holds in
   * memory (a page of long documents can make hundreds of thousands of chunks).
   */
  chunksPerWrite?: number;
  /** Who holds the sync leases; default `<hostname>:<pid>:<random>`. A worker that restarts with the same holder resumes at once. */
  holder?: string;
  /** Lease lifetime, renewed every third of it while the run lives (default 60 s). */
  leaseTtlMs?: number;
  /**
   * Who CRM owner ids (`ownerId`) are, so a deal's text names its owner: a map `{ "<owner id>": email |
   * { email, name } }`, a function, or an `OwnerDirectory`. Owner ids that are emails need none.
   */
  owners?: OwnersInput | OwnerDirectory;
  /** Company names shared across runs (a long-lived worker passes one); default: pulled once per run. */
  companyNames?: CompanyNameCache;
  /** Compact the store (and build its indexes) after a run that wrote anything (default true). */
  optimize?: boolean;
  onProgress?: IngestProgressListener;
  /** Stops the run between records; the cursor stays at the last durable page. */
  signal?: AbortSignal;
}

const tuningSchema = z
  .object({
    tenant: z.string().min(1, "tenant is empty: pass the Connected User id the client authenticates as"),
    syncs: z.array(z.string().min(1)).optional(),
    mode: z.enum(["incremental", "full"]).default("incremental"),
    pageSize: z.number().int().positive().default(100),
    chunkSize: z.number().int().min(100).default(1000),
    chunkOverlap: z.number().int().nonnegative().default(150),
    maxFileBytes: z
      .number()
      .int()
      .positive()
      .default(25 * 1024 * 1024),
    maxChars: z.number().int().positive().default(2_000_000),
    maxUncompressedBytes: z
      .number()
      .int()
      .positive()
      .default(100 * 1024 * 1024),
    extractTimeoutMs: z.number().int().positive().default(60_000),
    extractMemoryMb: z.number().int().min(16).optional(),
    downloadTimeoutMs: z.number().int().positive().optional(),
    concurrency: z.number().int().positive().max(256).default(4),
    chunksPerWrite: z.number().int().positive().default(2_000),
    leaseTtlMs: z.number().int().min(1000).default(60_000),
  })
  .refine((o) => o.chunkOverlap < o.chunkSize, {
    path: ["chunkOverlap"],
    message: "must be smaller than chunkSize",
  });

/** The validated tuning of one run. */
export type IngestSettings = z.infer<typeof tuningSchema>;

/** Validates the options' scalar fields and fills in defaults; throws {@link IngestArgumentError}. */
export function resolveSettings(options: IngestOptions): IngestSettings {
  const { client, store, embeddings, onProgress, signal, holder, optimize, owners, companyNames, ...tuning } =
    options;
  const parsed = tuningSchema.safeParse(tuning);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join(".") || "options"}: ${i.message}`);
    throw new IngestArgumentError(
      "INGEST_OPTIONS_INVALID",
      `invalid ingest options: ${problems.join("; ")}`,
      {
        cause: parsed.error,
      },
    );
  }
  for (const [name, value] of [
    ["client", client],
    ["store", store],
    ["embeddings", embeddings],
  ] as const) {
    if (!value) throw new IngestArgumentError("INGEST_OPTIONS_INVALID", `ingest needs a ${name}: pass one`);
  }
  return parsed.data;
}
