import { resolve } from "node:path";
import { Command, Option } from "commander";
import pino from "pino";
import { createAiSdkChatHandler, createChatHandler, createOpenAIChatHandler } from "../../chat/index.js";
import { checkDemoTenant } from "../../demo/index.js";
import { EXAMPLE_CORPUS_DIR } from "../../emulator/corpus/example-corpus.js";
import { ClearanceError } from "../../errors.js";
import {
  countResponses,
  createServerApp,
  followerHealth,
  type Listening,
  listen,
} from "../../server/index.js";
import { countMcpResponses } from "../../server/response-counter.js";
import { DEV_TENANT_HEADER, DEV_USER_HEADER } from "../../tenants/index.js";
import { answererOf } from "../answerer-of.js";
import { port } from "../args.js";
import { serveBanner } from "../serve-banner.js";
import { configuredSetup, demoSetup, type ServeFlags } from "../serve-setup.js";

export type { ServeFlags } from "../serve-setup.js";

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
      if (flags.demo) {
        checkDemoTenant(resolve(flags.corpus), flags.tenant);
        process.stderr.write("Starting the emulator and ingesting the demo corpus…\n");
      }
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
    // Counted as the chat endpoints are: an MCP-only deployment's 503s show in /health, not only the log.
    const mcp = setup.mcp.handler ? countMcpResponses(setup.mcp.handler) : undefined;
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
        ...(mcp ? { mcp: mcp.snapshot() } : {}),
        ...(setup.webhooks ? { webhooks: setup.webhooks.metrics() } : {}),
        // Counted: /health answers anyone, and each follower names its tenant and sync.
        ...(setup.follower ? { permissionChanges: followerHealth(setup.follower.status()) } : {}),
      }),
      ...(setup.webhooks ? { webhook: setup.webhooks.handler } : {}),
      ...(mcp ? { mcp: mcp.handler } : {}),
      onError: (error) => log.error({ err: error }, "server request failed"),
    });
    const listening: Listening = await listen(app.fetch, {
      host: flags.host ?? setup.host,
      port: flags.port ?? setup.port,
    });
    closers.push(() => listening.close());
    const mcpLines = setup.mcp.listening(listening.url);
    return {
      url: listening.url,
      banner: serveBanner(listening.url, setup, answerer, mcpLines),
      close: closeAll,
    };
  } catch (error) {
    await closeAll();
    throw error;
  }
}
