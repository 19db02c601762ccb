import { resolve } from "node:path";
import { Command, Option } from "commander";
import pino from "pino";
import {
  type Answerer,
  createAiSdkChatHandler,
  createChatHandler,
  createOpenAIChatHandler,
} from "../../chat/index.js";

import {
  configuredTenants,
  StoreEmptyError,
  tenantClientsFromConfig,
  tenantsWithoutChunks,
} from "../../compose/index.js";
import { loadConfig } from "../../config/index.js";
import { type Company, loadDemoDirectory, type Person, startDemo } from "../../demo/index.js";
import { EXAMPLE_CORPUS_DIR } from "../../emulator/corpus/example-corpus.js";
import { ClearanceError } from "../../errors.js";
import type { PermissionFollower } from "../../freshness/index.js";
import type { PermissionAwareRetriever } from "../../retrieval/index.js";
import {
  CHAT_PROTOCOL_PATHS,
  countResponses,
  createServerApp,
  type Listening,
  listen,
  openConfiguredTenants,
  startConfiguredWebhooks,
} from "../../server/index.js";
import {
  DEV_TENANT_HEADER,
  DEV_USER_HEADER,
  devHeaderIdentity,
  type Identify,
  type RetrieverSource,
} from "../../tenants/index.js";
import type { WebhookIngest } from "../../webhooks/index.js";
import { answererOf } from "../answerer-of.js";
import { onlyTenantOverride, port } from "../args.js";
import { mcpJwtIdentity, type ServedMcp, servedMcp } from "../mcp-endpoint.js";
import { serveIdentity } from "../serve-identity.js";

export interface ServeFlags {
  config?: string;
  tenant?: string;
  host?: string;
  port?: number;
  demo?: boolean;
  corpus: string;
  storeDir?: string;
  devIdentity?: boolean;
  people?: string;
  jwksUrl?: string;
  jwtIssuer?: string;
  jwtAudience?: string;
  jwtClaim?: string;
  jwtTenantClaim?: string;
  insecureAnyJwtIssuerAndAudience?: boolean;
  chatModel?: string;
  extractive?: boolean;
  webhooks?: boolean;
  webhooksInsecureNoSecret?: boolean;
  spoolDir?: string;
}

/** A running `clearance serve`, as `startServe` returns it (for tests and embedding). */
export interface RunningServe {
  url: string;
  banner: string;
  close(): Promise<void>;
}

/**
 * `clearance serve`: the chat endpoint (`POST /api/chat`), the chat page (`GET /`), `GET /health`.
 * With `--demo`, everything offline: the emulator on a corpus, ingested into a temp store, and the
 * page's person picker (demo identity). Otherwise the configured store and Managed Sync, with
 * identity from verified JWTs (`--jwks-url`) or, for development only, `--dev-identity`.
 */
export function serveCommand(): Command {
  return new Command("serve")
    .description("Serve the permission-aware chat endpoint and the chat page")
    .option("-c, --config <file>", "config file (YAML or JSON); default $CLEARANCE_CONFIG")
    .option(
      "--tenant <id>",
      "serve only this Connected User (default: every configured and discovered tenant)",
    )
    .option("--host <host>", "interface to listen on (default: server.host, 127.0.0.1)")
    .addOption(
      new Option("--port <n>", "port (0: any free port; default: server.port, 8787)").argParser(port),
    )
    .option(
      "--demo",
      "offline demo: start the emulator on --corpus, ingest it, trust the page's person picker",
    )
    .option("--corpus <dir>", "the demo corpus folder (manifest.yaml + files)", EXAMPLE_CORPUS_DIR)
    .option("--store-dir <dir>", "demo: keep the ingested store here (default: a temp folder)")
    .option(
      "--dev-identity",
      `DEVELOPMENT ONLY: trust the ${DEV_TENANT_HEADER} and ${DEV_USER_HEADER} headers as who is asking`,
    )
    .option("--people <dir>", "with --dev-identity: a corpus folder whose manifest lists the people to offer")
    .option("--jwks-url <url>", "verify Authorization: Bearer JWTs against this JWKS (production identity)")
    .option("--jwt-issuer <iss>", "required issuer of those JWTs")
    .option("--jwt-audience <aud>", "required audience of those JWTs")
    .option("--jwt-claim <name>", "the claim holding the email (default email)")
    .option(
      "--jwt-tenant-claim <name>",
      "the claim naming the tenant (Connected User id), e.g. org_id (default: the one configured tenant)",
    )
    .option(
      "--insecure-any-jwt-issuer-and-audience",
      "INSECURE: accept bearer tokens without checking issuer and audience (a token for another app works here)",
    )
    .option("--chat-model <model>", "OpenAI chat model when OPENAI_API_KEY is set (default gpt-4o-mini)")
    .option("--extractive", "answer with the offline extractive answerer even when an OpenAI key is set")
    .option(
      "--webhooks",
      "also receive Managed Sync webhooks at POST /webhooks/managed-sync and ingest from them",
    )
    .option(
      "--spool-dir <dir>",
      "with --webhooks: the durable event queue folder (default: beside the store)",
    )
    .option(
      "--webhooks-insecure-no-secret",
      "with --webhooks: INSECURE, accept webhooks without CLEARANCE_WEBHOOK_SECRET (anyone reaching the URL can queue work)",
    )
    .action(async (flags: ServeFlags) => {
      if (flags.demo) process.stderr.write("Starting the emulator and ingesting the demo corpus…\n");
      const running = await startServe(flags);
      process.stdout.write(running.banner);
      await new Promise<void>((done) => {
        process.once("SIGINT", done);
        process.once("SIGTERM", done);
      });
      await running.close();
    });
}

/** Starts what `clearance serve` runs, as the flags say; resolves once it listens. */
export async function startServe(flags: ServeFlags): Promise<RunningServe> {
  const log = pino({ name: "clearance" }, pino.destination(2));
  const onError = (error: unknown) => log.error({ err: error }, "chat request failed");
  const closers: (() => Promise<unknown>)[] = [];
  const closeAll = async () => {
    for (const close of closers.reverse()) await close().catch(() => undefined);
  };
  try {
    if (flags.demo && flags.webhooks) {
      throw new ClearanceError("SERVE_FLAGS_CONFLICT", "--webhooks needs a configured store: drop --demo");
    }
    const setup = flags.demo ? await demoSetup(flags, log) : await configuredSetup(flags, log);
    closers.push(setup.close);
    const answerer = answererOf(flags, setup.openaiApiKey, setup.chatModel);
    // One set of settings for every chat protocol: same identity, retrievers and answerer.
    const chatOptions = { retrievers: setup.retrievers, identify: setup.identify, model: answerer, onError };
    const counted = countResponses(createChatHandler(chatOptions));
    const openai = countResponses(createOpenAIChatHandler(chatOptions));
    const aiSdk = countResponses(createAiSdkChatHandler(chatOptions));
    const app = createServerApp({
      chat: counted.handler,
      openai: openai.handler,
      aiSdk: aiSdk.handler,
      people: setup.people,
      ...(setup.companies ? { companies: setup.companies } : {}),
      questions: setup.questions,
      ...(setup.identityMode === "dev-header"
        ? { identityHeaders: { tenant: DEV_TENANT_HEADER, user: DEV_USER_HEADER } }
        : {}),
      health: () => ({
        tenants: setup.tenants().length,
        mode: flags.demo ? "demo" : "configured",
        identity: setup.identityMode,
        answerer: answerer.name,
      }),
      metrics: () => ({
        chat: counted.snapshot(),
        openai: openai.snapshot(),
        aiSdk: aiSdk.snapshot(),
        ...(setup.webhooks ? { webhooks: setup.webhooks.metrics() } : {}),
        ...(setup.follower ? { permissionChanges: setup.follower.status() } : {}),
      }),
      ...(setup.webhooks ? { webhook: setup.webhooks.handler } : {}),
      ...(setup.mcp.handler ? { mcp: setup.mcp.handler } : {}),
    });
    const listening: Listening = await listen(app.fetch, {
      host: flags.host ?? setup.host,
      port: flags.port ?? setup.port,
    });
    closers.push(() => listening.close());
    const mcpLines = setup.mcp.listening(listening.url);
    return {
      url: listening.url,
      banner: bannerOf(listening.url, setup, answerer, mcpLines),
      close: closeAll,
    };
  } catch (error) {
    await closeAll();
    throw error;
  }
}

interface Setup {
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

async function demoSetup(flags: ServeFlags, log: pino.Logger): Promise<Setup> {
  // The demo brings its own Managed Sync (the emulator) and tenant; the rest of the settings —
  // host, port, OpenAI key, chat model — come from the same env/file layers as a real deploy,
  // validated the same way (a bad CLEARANCE_PORT is a ConfigError naming it, not a stack trace).
  const config = loadConfig({
    ...(flags.config ? { file: flags.config } : {}),
    overrides: { tenant: flags.tenant ?? "demo", managedSync: { token: "unused-by-the-demo" } },
  });
  const demo = await startDemo({
    corpusDir: resolve(flags.corpus),
    ...(flags.storeDir ? { storeDir: resolve(flags.storeDir) } : {}),
    ...(flags.tenant ? { tenant: flags.tenant } : {}),
  });
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

async function configuredSetup(flags: ServeFlags, log: pino.Logger): Promise<Setup> {
  const config = loadConfig({
    ...(flags.config ? { file: flags.config } : {}),
    overrides: onlyTenantOverride(flags.tenant),
  });
  // Credentials and identity first: a token for another tenant or a bad JWKS URL fails before the store opens.
  const tenants = configuredTenants(config, tenantClientsFromConfig(config));
  const fixedTenant = tenants.length === 1 && !config.tenancy.discover ? tenants[0] : undefined;
  const identity = serveIdentity(flags, config, fixedTenant);
  if (identity.mode === "jwt" && identity.insecure) {
    log.warn(
      "INSECURE: bearer tokens from any issuer for any audience are accepted (--insecure-any-jwt-issuer-and-audience): a token minted for another app on your identity provider reads here",
    );
  }
  const opened = await openConfiguredTenants(config);
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

function bannerOf(url: string, setup: Setup, answerer: Answerer, mcpLines: string[]): string {
  const known = setup.tenants();
  const tenants = known.length === 1 ? `tenant ${known[0]}` : `${known.length} tenants`;
  const lines = [`Clearance serving ${tenants} on ${url}`];
  lines.push(`  chat page    ${url}/`);
  lines.push(`  chat API     POST ${url}/api/chat  {"question": "…", "stream": false}`);
  lines.push(`  OpenAI API   POST ${url}${CHAT_PROTOCOL_PATHS.openai}  (base URL ${url}/v1)`);
  lines.push(`  AI SDK       POST ${url}${CHAT_PROTOCOL_PATHS.aiSdk}  (useChat's DefaultChatTransport api)`);
  lines.push(...mcpLines);
  lines.push(`  health       ${url}/health`);
  if (setup.follower) {
    lines.push(
      `  freshness    Permission Changes feed followed every ${setup.follower.intervalMs / 1000} s per sync in use`,
    );
  }
  if (setup.webhooks) lines.push(`  webhooks     POST ${url}/webhooks/managed-sync`);
  if (setup.insecureWebhooks) {
    lines.push(
      "  webhooks     INSECURE: no secret; anyone who reaches this URL can queue work. Never expose this.",
    );
  }
  lines.push(`  answers by   ${answerer.name}`);
  if (setup.identityMode === "dev-header") {
    lines.push(
      `  identity     DEV ONLY: the ${DEV_TENANT_HEADER} and ${DEV_USER_HEADER} headers say who asks; anyone can read as anyone. Never expose this.`,
    );
  } else lines.push("  identity     Authorization: Bearer <JWT>, verified against the JWKS");
  if (setup.people.length > 0) {
    lines.push(`  people       ${setup.people.map((p) => p.email).join(", ")}`);
  }
  lines.push("Ctrl-C to stop.");
  return `${lines.join("\n")}\n`;
}
