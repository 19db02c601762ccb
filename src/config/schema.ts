import { z } from "zod";
import {
  DEFAULT_CHUNK_CACHE_ENTRIES,
  DEFAULT_RECORD_CACHE_MB,
  DEFAULT_RECORD_SCAN_MAX_VALUES,
} from "../store/lancedb/index-settings.js";
import { mcpSchema } from "./mcp-schema.js";
import { wholeNumber } from "./number.js";
import { membersProblem, recordsSchema, removedTenantWideSyncs } from "./records-schema.js";
import { httpUrl } from "./url.js";

/** Where Clearance reaches Managed Sync, and as whom. */
export const managedSyncSchema = z
  .strictObject({
    baseUrl: httpUrl.default("https://sync.useparagon.com"),
    projectId: z.string().min(1).optional(),
    token: z.string().min(1).optional(),
    signingKey: z.string().min(1).optional(),
    /** The host in the token's audience (`<host>/<projectId>`); on-prem installs use their own. */
    audienceHost: z.string().min(1).default("useparagon.com"),
    timeoutMs: wholeNumber((n) => n.positive()).default(30_000),
  })
  .superRefine((value, ctx) => {
    if (!value.token && !value.signingKey) {
      ctx.addIssue({
        code: "custom",
        path: ["token"],
        message:
          "no Managed Sync credentials: set PARAGON_SIGNING_KEY (or PARAGON_SIGNING_KEY_FILE) and PARAGON_PROJECT_ID, or PARAGON_USER_TOKEN for a single tenant",
      });
    }
    if (value.signingKey && !value.projectId) {
      ctx.addIssue({
        code: "custom",
        path: ["projectId"],
        message: "a signing key needs the project id to mint tokens (aud = useparagon.com/<projectId>)",
      });
    }
  });

/** The vector store: the embedded LanceDB folder, or a Qdrant server. */
const storeKinds = z.discriminatedUnion("kind", [
  z.strictObject({
    kind: z.literal("lancedb"),
    dir: z.string().min(1).default(".clearance/store"),
    chunkCacheEntries: wholeNumber((n) => n.min(0)).default(DEFAULT_CHUNK_CACHE_ENTRIES),
    recordCacheMb: wholeNumber((n) => n.min(0)).default(DEFAULT_RECORD_CACHE_MB),
    recordScanMaxValues: wholeNumber((n) => n.positive()).default(DEFAULT_RECORD_SCAN_MAX_VALUES),
  }),
  z.strictObject({
    kind: z.literal("qdrant"),
    url: httpUrl,
    apiKey: z.string().min(1).optional(),
    collection: z.string().min(1).default("clearance_chunks"),
  }),
]);

/** A store section without `kind` (say, only `CLEARANCE_STORE_DIR`) means the embedded store. */
export const storeSchema = z.preprocess(
  (value) =>
    value && typeof value === "object" && !("kind" in value) ? { kind: "lancedb", ...value } : value,
  storeKinds,
);

export const embeddingsSchema = z.strictObject({
  openaiApiKey: z.string().min(1).optional(),
  model: z.string().min(1).default("text-embedding-3-small"),
  dimensions: wholeNumber((n) => n.positive()).optional(),
  batchSize: wholeNumber((n) => n.positive()).default(64),
  concurrency: wholeNumber((n) => n.positive()).default(4),
});

export const ingestSchema = z
  .strictObject({
    syncs: z.array(z.string().min(1)).optional(),
    pageSize: wholeNumber((n) => n.positive()).default(100),
    chunkSize: wholeNumber((n) => n.min(100)).default(1000),
    chunkOverlap: wholeNumber((n) => n.nonnegative()).default(150),
    maxFileBytes: wholeNumber((n) => n.positive()).default(25 * 1024 * 1024),
    maxChars: wholeNumber((n) => n.positive()).default(2_000_000),
    maxUncompressedBytes: wholeNumber((n) => n.positive()).default(100 * 1024 * 1024),
    extractTimeoutMs: wholeNumber((n) => n.positive()).default(60_000),
    extractMemoryMb: wholeNumber((n) => n.min(16)).optional(),
    downloadTimeoutMs: wholeNumber((n) => n.positive()).optional(),
    concurrency: wholeNumber((n) => n.positive()).default(4),
  })
  .refine((value) => value.chunkOverlap < value.chunkSize, {
    path: ["chunkOverlap"],
    message: "must be smaller than chunkSize",
  });

/** A yes/no setting: a boolean in a file, `true`/`false` (or `1`/`0`, `yes`/`no`) in the environment. */
export const flagSchema = z.preprocess(
  (value) => {
    if (typeof value !== "string") return value;
    const word = value.trim().toLowerCase();
    if (["true", "1", "yes"].includes(word)) return true;
    if (["false", "0", "no"].includes(word)) return false;
    return value;
  },
  z.boolean({ error: "must be true or false" }),
);

export const retrievalSchema = z.strictObject({
  k: wholeNumber((n) => n.positive().max(100)).default(6),
  strategy: z.enum(["auto", "post", "pre"]).default("auto"),
  /** How long allow/deny answers are reused (0 turns the decision cache off). */
  cacheTtlMs: wholeNumber((n) => n.nonnegative()).default(30_000),
  /** How long a person's list-objects allow list is reused for pre-filtering. */
  allowSetTtlMs: wholeNumber((n) => n.nonnegative()).default(60_000),
  /**
   * A retrieval about to come back short of k re-verifies the cached denials and allow lists
   * behind it that are at least this old (unless the follower vouches for them), so a new grant
   * shows on the next query; younger ones are taken as they are.
   */
  reverifyShortAfterMs: wholeNumber((n) => n.nonnegative()).default(5_000),
  /**
   * How stale the permission evidence behind a result may be; 0 re-confirms every result in the
   * query. Default: 10 s while the permission-changes follower runs (cached evidence is then used
   * only while the follower proves it current, typically within followIntervalMs), 0 without it.
   */
  freshnessMs: wholeNumber((n) => n.nonnegative()).optional(),
  /** Follow each sync's Permission Changes feed in `serve` and turn it into cache invalidations. */
  follow: flagSchema.default(true),
  /** How often the follower polls each sync's feed: a group change reaches the caches within about this. */
  followIntervalMs: wholeNumber((n) => n.positive()).default(2_000),
  /** On a Permissions API failure: a typed error, or no results with the reason in the report. */
  onPermissionError: z.enum(["throw", "empty"]).default("throw"),
  /** Removed: CRM/ticketing syncs get record policies (`records`). */
  tenantWideSyncs: removedTenantWideSyncs,
  budget: z
    .strictObject({
      maxCandidates: wholeNumber((n) => n.positive()).default(3_000),
      maxPermissionCalls: wholeNumber((n) => n.positive()).default(40),
      maxMs: wholeNumber((n) => n.positive()).default(5_000),
    })
    .default({ maxCandidates: 3_000, maxPermissionCalls: 40, maxMs: 5_000 }),
});

export const serverSchema = z.strictObject({
  host: z.string().min(1).default("127.0.0.1"),
  port: wholeNumber((n) => n.min(0).max(65_535)).default(8787),
  webhookSecret: z.string().min(1).optional(),
  /** Run the webhook receiver without a secret: anyone who reaches the URL can queue work. */
  webhookInsecureNoSecret: flagSchema.default(false),
});

/** How `clearance serve` learns who is asking: bearer JWTs verified against a JWKS. */
export const authSchema = z.strictObject({
  jwksUrl: httpUrl.optional(),
  issuer: z.string().min(1).optional(),
  audience: z.string().min(1).optional(),
  /** The claim holding the asker's email (the Permissions API's user). */
  claim: z.string().min(1).default("email"),
  /** The claim naming the asker's tenant (Connected User id), e.g. `org_id`. */
  tenantClaim: z.string().min(1).optional(),
  /** Accept tokens of any issuer and audience: a token minted for another app then reads here. */
  insecureAcceptAnyIssuerAndAudience: flagSchema.default(false),
});

/** The chat model that writes answers when an OpenAI key is set (offline: the extractive answerer). */
export const chatSchema = z.strictObject({
  model: z.string().min(1).default("gpt-4o-mini"),
});

/** Which Connected Users (tenants) this deployment serves, and how many it keeps warm at once. */
export const tenancySchema = z.strictObject({
  /** Tenants webhook events may add (`user.id` of a valid event); remembered in the store's state. */
  discover: flagSchema.default(false),
  /** Tenants whose retrievers and Managed Sync clients are held at once (least recently used dropped). */
  maxActive: wholeNumber((n) => n.positive()).default(100),
  /** Tenants `clearance ingest` runs at once when it ingests every tenant. */
  ingestConcurrency: wholeNumber((n) => n.positive()).default(2),
});

/** Everything Clearance can be told, from a file, the environment, or code. */
export const configSchema = z
  .strictObject({
    /** One Connected User id (the user token's `sub`): a registry of one. */
    tenant: z.string().min(1, "must not be empty: the Connected User id (the token's sub)").optional(),
    /** Every Connected User this deployment serves (with `tenant`, the union of both). */
    tenants: z
      .array(z.string().trim().min(1, "must not be empty: a Connected User id"), {
        error: (issue) =>
          typeof issue.input === "string"
            ? `must be a list, even of one: tenants: [${issue.input}] (or CLEARANCE_TENANTS=a,b)`
            : "must be a list of Connected User ids",
      })
      .default([]),
    tenancy: tenancySchema.default(tenancySchema.parse({})),
    // prefault: with no Managed Sync setting at all, the credential checks below still explain what to set.
    managedSync: managedSyncSchema.prefault({}),
    store: storeSchema.prefault({ kind: "lancedb" }),
    embeddings: embeddingsSchema.default(embeddingsSchema.parse({})),
    ingest: ingestSchema.default(ingestSchema.parse({})),
    retrieval: retrievalSchema.default(retrievalSchema.parse({})),
    records: recordsSchema.default(recordsSchema.parse({})),
    server: serverSchema.default(serverSchema.parse({})),
    auth: authSchema.default(authSchema.parse({})),
    chat: chatSchema.default(chatSchema.parse({})),
    mcp: mcpSchema.default(mcpSchema.parse({})),
  })
  .superRefine((value, ctx) => {
    const named = value.tenant !== undefined || value.tenants.length > 0;
    // A ready token names its own tenant (its sub); checked against the others at startup.
    if (!named && !value.tenancy.discover && !value.managedSync.token) {
      ctx.addIssue({
        code: "custom",
        path: ["tenant"],
        message:
          "no tenant: set the Connected User id (the token's sub), or several with CLEARANCE_TENANTS=a,b,c, or CLEARANCE_DISCOVER_TENANTS=true to learn them from webhooks",
      });
    }
    const tenants = [...new Set([...(value.tenant ? [value.tenant] : []), ...value.tenants])];
    const members = membersProblem(value.records, {
      tenants,
      single: tenants.length <= 1 && !value.tenancy.discover,
    });
    if (members) ctx.addIssue({ code: "custom", path: ["records", "members", "domains"], message: members });
    if (value.tenancy.discover && !value.managedSync.signingKey) {
      ctx.addIssue({
        code: "custom",
        path: ["tenancy", "discover"],
        message:
          "discovering tenants needs the project's signing key (PARAGON_SIGNING_KEY) to act as each one: a user token serves only its own sub",
      });
    }
  });

export type ClearanceConfig = z.infer<typeof configSchema>;
export type ClearanceConfigInput = z.input<typeof configSchema>;
