import { z } from "zod";
import { DEFAULT_RETRY_POLICY, type RetryPolicy } from "./backoff.js";
import { ManagedSyncArgumentError } from "./errors.js";
import { HttpCore, type RetryEvent } from "./http.js";
import { PermissionsApi } from "./permissions.js";
import { RecordsApi } from "./records.js";
import { SyncsApi } from "./syncs.js";
import { createTokenSource, type ManagedSyncAuth } from "./token.js";
import type { UserFormat } from "./users.js";

/** Paragon's cloud endpoint; on-prem installs use `https://ms-sync.<your on-prem base URL>`. */
export const DEFAULT_BASE_URL = "https://sync.useparagon.com";

/** Options of `ManagedSyncClient`. */
export interface ManagedSyncClientOptions {
  /** Default `https://sync.useparagon.com`; point it at on-prem or the emulator. */
  baseUrl?: string;
  auth: ManagedSyncAuth;
  /** Per-request timeout, per attempt (default 30 s). */
  timeoutMs?: number;
  retry?: Partial<RetryPolicy>;
  /** List results this long are reported `truncated` (default 1000, the documented server cap). */
  listObjectsCap?: number;
  listUsersCap?: number;
  /** How `user` is sent to the Permissions API (default `documented`; see `UserFormat`). */
  userFormat?: UserFormat;
  fetch?: typeof fetch;
  /** Called before each retry, e.g. to log it. */
  onRetry?: (event: RetryEvent) => void;
  /** Clock for token expiry (default `Date.now`). */
  now?: () => number;
}

const fn = <T>() => z.custom<T>((value) => typeof value === "function", { message: "expected a function" });
const positiveInt = z.number().int().positive();

const AuthSchema = z.union([
  z.object({ token: z.string().min(1) }),
  z.object({ getToken: fn<(signal?: AbortSignal) => Promise<string>>() }),
  z.object({
    signingKey: z.union([z.string().min(1), z.custom<object>((v) => typeof v === "object" && v !== null)]),
    projectId: z.string().min(1),
    userId: z.string().min(1),
    ttlSeconds: z.number().positive().optional(),
    audienceHost: z.string().min(1).optional(),
  }),
]);

const OptionsSchema = z.object({
  baseUrl: z.url({ protocol: /^https?$/ }).default(DEFAULT_BASE_URL),
  auth: AuthSchema,
  timeoutMs: z.number().positive().default(30_000),
  retry: z
    .object({
      retries: z.number().int().nonnegative(),
      baseDelayMs: z.number().nonnegative(),
      maxDelayMs: z.number().nonnegative(),
      maxRetryAfterMs: z.number().nonnegative(),
    })
    .partial()
    .default({}),
  listObjectsCap: positiveInt.default(1000),
  listUsersCap: positiveInt.default(1000),
  userFormat: z.enum(["documented", "as-given"]).default("documented"),
  fetch: fn<typeof fetch>().optional(),
  onRetry: fn<(event: RetryEvent) => void>().optional(),
  now: fn<() => number>().optional(),
});

/**
 * Client for Paragon Managed Sync's Sync API and Permissions API (`/api/syncs…`, `/api/permissions/{syncId}/…`).
 *
 * @example
 * const client = new ManagedSyncClient({ auth: { signingKey, projectId, userId: "acme" } });
 * for await (const page of client.records.pages(syncId)) console.log(page.records.length);
 */
export class ManagedSyncClient {
  readonly syncs: SyncsApi;
  readonly records: RecordsApi;
  readonly permissions: PermissionsApi;
  readonly baseUrl: string;

  constructor(options: ManagedSyncClientOptions) {
    const parsed = OptionsSchema.safeParse(options);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw new ManagedSyncArgumentError(
        "CONFIG_INVALID",
        `Managed Sync client options: ${issue?.path.join(".") || "options"}: ${issue?.message ?? "invalid"}. auth takes { token } or { signingKey, projectId, userId } or { getToken }`,
        { cause: parsed.error },
      );
    }
    const config = parsed.data;
    this.baseUrl = config.baseUrl.replace(/\/+$/, "");
    const http = new HttpCore({
      baseUrl: this.baseUrl,
      tokens: createTokenSource(options.auth, config.now),
      timeoutMs: config.timeoutMs,
      retry: { ...DEFAULT_RETRY_POLICY, ...definedOnly(config.retry) },
      fetch: config.fetch ?? globalThis.fetch,
      onRetry: config.onRetry,
    });
    this.syncs = new SyncsApi(http);
    this.records = new RecordsApi(http);
    this.permissions = new PermissionsApi(http, {
      userFormat: config.userFormat,
      listObjectsCap: config.listObjectsCap,
      listUsersCap: config.listUsersCap,
    });
  }
}

function definedOnly<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}
