import { resolve } from "node:path";
import type pino from "pino";
import {
  configuredTenants,
  StoreEmptyError,
  tenantClientsFromConfig,
  tenantsWithoutChunks,
} from "../compose/index.js";
import { loadConfig, sharedOwnersWarning, unservedTenantsWarning } from "../config/index.js";
import { type Company, loadDemoDirectory, type Person, startDemo } from "../demo/index.js";
import { ClearanceError } from "../errors.js";
import type { PermissionFollower } from "../freshness/index.js";
import type { PermissionAwareRetriever, UnnamedSync } from "../retrieval/index.js";
import { openConfiguredTenants, startConfiguredWebhooks } from "../server/index.js";
import { devHeaderIdentity, type Identify, type RetrieverSource } from "../tenants/index.js";
import type { WebhookIngest } from "../webhooks/index.js";
import { onlyTenantOverride } from "./args.js";
import { demoProgress } from "./demo-progress.js";
import { mcpJwtIdentity, type ServedMcp, servedMcp } from "./mcp-endpoint.js";
import { type ServeIdentityFlags, serveIdentity } from "./serve-identity.js";

/** The flags of `clearance serve`, as commander parses them (see serveCommand). */
export interface ServeFlags extends ServeIdentityFlags {
  config?: string;
  tenant?: string;
  host?: string;
  port?: number;
  demo?: boolean;
  corpus: string;
  storeDir?: string;
  people?: string;
  chatModel?: string;
  extractive?: boolean;
  webhooks?: boolean;
  webhooksInsecureNoSecret?: boolean;
  spoolDir?: string;
}

/** What `clearance serve` serves, as the flags chose it: the demo or the configured deployment. */
export interface ServeSetup {
  retrievers: RetrieverSource<PermissionAwareRetriever>;
  identify: Identify;
  identityMode: "dev-header" | "jwt";
  /** The tenants known now (discovery may add more while serving). */
  tenants: () => string[];
  /** The companies the page offers (demo), with their names. */
  companies?: Company[];
  people: Person[];
  questions: string[];
  host: string;
  port: number;
  openaiApiKey: string | undefined;
  /** The configured chat model (`--chat-model` wins). */
  chatModel?: string;
  webhooks?: WebhookIngest;
  /** Webhooks accepted without a secret (the explicit opt-out). */
  insecureWebhooks?: boolean;
  /** Follows the Permission Changes feed of every sync in use (configured mode, unless retrieval.follow is off). */
  follower?: PermissionFollower;
  /** The MCP endpoint at /mcp (same identity as the chat; with JWTs, its own audience). */
  mcp: ServedMcp;
  close(): Promise<void>;
}

const mcpErrorLogger = (log: pino.Logger) => (error: unknown) =>
  log.error({ err: error }, "mcp request failed");

/**
 * Logs a sync's follower failing (its results are all confirmed meanwhile), once per new message:
 * a feed that stays down fails every poll, and `/health` counts it without naming it.
 */
export function followerErrorLogger(log: pino.Logger) {
  const last = new Map<string, string>();
  return (error: unknown, where: { tenant: string; syncId: string }) => {
    const key = JSON.stringify([where.tenant, where.syncId]);
    const message = error instanceof Error ? error.message : String(error);
    if (last.get(key) === message) return;
    last.set(key, message);
    log.warn(
      { err: error, ...where },
      "permission changes follower failed: its results are confirmed each query",
    );
  };
}

/**
 * Logs a record sync no `records.policies` rule names, once per tenant and sync for the process:
 * every query its records rank in reports it (`RetrievalReport.unnamedSyncs`), the log says it once.
 */
export function unnamedSyncLogger(log: { warn(fields: object, message: string): void }) {
  const told = new Set<string>();
  return (sync: UnnamedSync, where: { tenant: string }) => {
    const key = JSON.stringify([where.tenant, sync.syncId]);
    if (told.has(key)) return;
    told.add(key);
    log.warn({ tenant: where.tenant, syncId: sync.syncId }, sync.message);
  };
}

/**
 * `--demo`: the emulator on the corpus, ingested into a temp (or `--store-dir`) store, and the
 * page's person picker (demo identity).
 */
export async function demoSetup(flags: ServeFlags, log: pino.Logger): Promise<ServeSetup> {
  // The demo brings its own Managed Sync (the emulator) and tenant; the rest of the settings —
  // host, port, OpenAI key, chat model — come from the same env/file layers as a real deploy,
  // validated the same way (a bad CLEARANCE_PORT is a ConfigError naming it, not a stack trace).
  const config = loadConfig({
    ...(flags.config ? { file: flags.config } : {}),
    overrides: { tenant: flags.tenant ?? "demo", managedSync: { token: "unused-by-the-demo" } },
  });
  const progress = demoProgress();
  const demo = await startDemo({
    corpusDir: resolve(flags.corpus),
    ...(flags.storeDir ? { storeDir: resolve(flags.storeDir) } : {}),
    ...(flags.tenant ? { tenant: flags.tenant } : {}),
    ...progress.options,
  }).finally(() => progress.stop());
  const identify = devHeaderIdentity({ people: demo.people });
  return {
    retrievers: demo.retrievers,
    identify,
    identityMode: "dev-header",
    tenants: () => demo.companies.map((c) => c.tenant),
    companies: demo.companies,
    people: demo.people,
    questions: demo.questions,
    host: config.server.host,
    port: config.server.port,
    openaiApiKey: config.embeddings.openaiApiKey,
    chatModel: config.chat.model,
    mcp: servedMcp({
      retrievers: demo.retrievers,
      identity: { mode: "dev-header", identify },
      config,
      onError: mcpErrorLogger(log),
    }),
    close: () => demo.close(),
  };
}

/**
 * The configured store and Managed Sync, with identity from verified JWTs (`--jwks-url`) or, for
 * development only, `--dev-identity`; with `--webhooks`, the webhook receiver too.
 */
export async function configuredSetup(flags: ServeFlags, log: pino.Logger): Promise<ServeSetup> {
  const config = loadConfig({
    ...(flags.config ? { file: flags.config } : {}),
    overrides: onlyTenantOverride(flags.tenant),
  });
  // Credentials and identity first: a token for another tenant or a bad JWKS URL fails before the store opens.
  const tenants = configuredTenants(config, tenantClientsFromConfig(config));
  const fixedTenant = tenants.length === 1 && !config.tenancy.discover ? tenants[0] : undefined;
  const identity = serveIdentity(flags, config, fixedTenant);
  if (flags.people && identity.mode !== "dev-header") {
    // GET /api/people answers without sign-in: the list is the dev page's person picker, and with
    // verified tokens it would only tell strangers who is served here and who works there.
    throw new ClearanceError(
      "SERVE_FLAGS_CONFLICT",
      "--people offers people to act as, which only --dev-identity does: drop --people (with bearer tokens the token says who asks)",
    );
  }
  if (identity.mode === "jwt" && identity.insecure) {
    log.warn(
      "INSECURE: bearer tokens from any issuer for any audience are accepted (--insecure-any-jwt-issuer-and-audience): a token minted for another app on your identity provider reads here",
    );
  }
  const ownersWarning = sharedOwnersWarning(config.records, {
    tenants,
    single: tenants.length <= 1 && !config.tenancy.discover,
  });
  if (ownersWarning) log.warn(ownersWarning);
  const unserved = unservedTenantsWarning(config.records, { tenants, discover: config.tenancy.discover });
  if (unserved) log.warn(unserved);
  const opened = await openConfiguredTenants(config, {
    onFollowerError: followerErrorLogger(log),
    onUnnamedSync: unnamedSyncLogger(log),
  });
  // Serving can start before the first ingest (webhooks fill the store), so this only warns:
  // until then every answer is empty, which must not look like "you may read nothing".
  for (const tenant of await tenantsWithoutChunks(opened.store, opened.registry.list())) {
    log.warn(new StoreEmptyError(tenant, config.store).message);
  }
  let webhooks: WebhookIngest | undefined;
  if (flags.webhooks) {
    try {
      if (
        !config.server.webhookSecret &&
        (flags.webhooksInsecureNoSecret || config.server.webhookInsecureNoSecret)
      ) {
        log.warn(
          "INSECURE: webhooks accepted without a secret; anyone who reaches this server can queue work",
        );
      }
      webhooks = await startConfiguredWebhooks(config, opened, {
        ...(flags.spoolDir ? { spoolDir: flags.spoolDir } : {}),
        insecureNoSecret: flags.webhooksInsecureNoSecret === true,
        onNotice: (notice) => log.info({ notice }, "webhook notice"),
        onError: (error) => log.warn({ err: error }, "webhook event failed"),
      });
    } catch (error) {
      await opened.close();
      throw error;
    }
  }
  const directory = flags.people
    ? loadDemoDirectory(resolve(flags.people))
    : { companies: [], people: [], questions: [] };
  // Offer only people of tenants served here. A one-company folder served as the one configured
  // tenant is that tenant's people, whatever its manifest calls the company.
  const served = (tenant: string | undefined) => tenant !== undefined && opened.registry.has(tenant);
  const relabel = fixedTenant !== undefined && directory.companies.length === 1;
  const people = relabel
    ? directory.people.map((p) => ({ ...p, tenant: fixedTenant }))
    : directory.people.filter((p) => served(p.tenant));
  const companies = relabel
    ? [
        {
          tenant: fixedTenant,
          ...(directory.companies[0]?.name ? { name: directory.companies[0].name } : {}),
        },
      ]
    : directory.companies.filter((c) => served(c.tenant));
  const identify =
    identity.mode === "dev-header" ? devHeaderIdentity(flags.people ? { people } : {}) : identity.identify;
  return {
    retrievers: opened.retrievers,
    identify,
    identityMode: identity.mode,
    tenants: () => opened.registry.list(),
    companies,
    people,
    questions: directory.questions,
    host: config.server.host,
    port: config.server.port,
    openaiApiKey: config.embeddings.openaiApiKey,
    chatModel: config.chat.model,
    ...(webhooks ? { webhooks } : {}),
    insecureWebhooks: webhooks !== undefined && !config.server.webhookSecret,
    ...(opened.follower ? { follower: opened.follower } : {}),
    mcp: servedMcp({
      retrievers: opened.retrievers,
      identity:
        identity.mode === "jwt"
          ? mcpJwtIdentity(flags, config, fixedTenant)
          : { mode: "dev-header", identify },
      config,
      onError: mcpErrorLogger(log),
    }),
    close: async () => {
      await webhooks?.close();
      await opened.close();
    },
  };
}
