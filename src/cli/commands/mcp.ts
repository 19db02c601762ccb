import { resolve } from "node:path";
import type { Readable, Writable } from "node:stream";
import { Command, Option } from "commander";
import { Hono } from "hono";
import pino from "pino";
import { configuredTenants, tenantClientsFromConfig } from "../../compose/index.js";
import { type ClearanceConfig, loadConfig } from "../../config/index.js";
import { checkDemoPerson, checkDemoTenant, type Demo, startDemo, tenantOfPerson } from "../../demo/index.js";
import { EXAMPLE_CORPUS_DIR } from "../../emulator/corpus/example-corpus.js";
import { ClearanceError } from "../../errors.js";
import { type McpCaller, serveMcpStdio } from "../../mcp/index.js";
import {
  listen,
  MCP_PATH,
  mountMcp,
  openConfiguredRetrieval,
  openConfiguredTenants,
} from "../../server/index.js";
import { countMcpResponses } from "../../server/response-counter.js";
import { devHeaderIdentity } from "../../tenants/index.js";
import { email, onlyTenantOverride, port } from "../args.js";
import { demoProgress } from "../demo-progress.js";
import { type McpIdentity, mcpJwtIdentity, servedMcp } from "../mcp-endpoint.js";
import { type ServeIdentityFlags, serveIdentity } from "../serve-identity.js";
import { followerErrorLogger } from "../serve-setup.js";

export interface McpFlags extends ServeIdentityFlags {
  config?: string;
  tenant?: string;
  user?: string;
  demo?: boolean;
  corpus: string;
  storeDir?: string;
  http?: boolean;
  host?: string;
  port?: number;
  resource?: string;
  authorizationServer?: string[];
}

/** A running MCP server, as `startMcpStdio` / `startMcpHttp` return it (for tests and embedding). */
export interface RunningMcp {
  /** What to tell the person who started it (stderr for stdio, stdout for HTTP). */
  banner: string;
  /** Settles when the server stops by itself (stdio: the client closed stdin). */
  closed: Promise<void>;
  close(): Promise<void>;
}

/**
 * `clearance mcp`: Clearance's `search` and `fetch` tools for MCP clients. By default over stdio
 * for one person on their own machine (`--user`, or `mcp.user`); with `--http`, the Streamable
 * HTTP endpoint for every tenant, each request's person taken from its OAuth bearer token. `--demo`
 * runs either offline on the bundled corpus.
 */
export function mcpCommand(): Command {
  return new Command("mcp")
    .description(
      "Serve permission-aware search and fetch to MCP clients (stdio by default, --http for remote)",
    )
    .option("-c, --config <file>", "config file (YAML or JSON); default $CLEARANCE_CONFIG")
    .option(
      "--tenant <id>",
      "stdio: the Connected User to search (default: the only one configured; with --demo, the company that lists --user); HTTP: serve only it",
    )
    .addOption(
      new Option(
        "-u, --user <email>",
        "stdio: who you are, as the source systems know you (default: mcp.user / CLEARANCE_MCP_USER)",
      ).argParser(email),
    )
    .option("--demo", "offline: start the emulator on --corpus and ingest it first (a few seconds)")
    .option("--corpus <dir>", "the demo corpus folder", EXAMPLE_CORPUS_DIR)
    .option("--store-dir <dir>", "demo: keep the ingested store here (default: a temp folder)")
    .option("--http", "serve Streamable HTTP at /mcp instead of stdio (an OAuth protected resource)")
    .option("--host <host>", "HTTP: interface to listen on (default: server.host, 127.0.0.1)")
    .addOption(
      new Option("--port <n>", "HTTP: port (0: any free port; default: server.port, 8787)").argParser(port),
    )
    .option(
      "--resource <url>",
      "HTTP: the public URL of /mcp, the tokens' audience (default: mcp.resource, else the listening address)",
    )
    .option(
      "--authorization-server <url...>",
      "HTTP: who signs people in (default: mcp.authorizationServers, else --jwt-issuer)",
    )
    .option("--jwks-url <url>", "HTTP: verify bearer JWTs against this JWKS")
    .option("--jwt-issuer <iss>", "HTTP: required issuer of those JWTs")
    .option("--jwt-claim <name>", "HTTP: the claim holding the email (default email)")
    .option("--jwt-tenant-claim <name>", "HTTP: the claim naming the tenant (Connected User id), e.g. org_id")
    .option(
      "--dev-identity",
      "HTTP, DEVELOPMENT ONLY: trust the x-clearance-tenant and x-clearance-user headers",
    )
    .action(async (flags: McpFlags) => {
      const running = flags.http ? await startMcpHttp(flags) : await startMcpStdio(flags);
      (flags.http ? process.stdout : process.stderr).write(running.banner);
      await Promise.race([
        running.closed,
        new Promise<void>((done) => {
          process.once("SIGINT", done);
          process.once("SIGTERM", done);
        }),
      ]);
      await running.close();
    });
}

/**
 * The stdio server: one person (configured, not signed in) of one tenant. stdout carries only
 * JSON-RPC, so everything else this process would print goes to stderr.
 */
export async function startMcpStdio(
  flags: McpFlags,
  io: { stdin?: Readable; stdout?: Writable } = {},
): Promise<RunningMcp> {
  if (!io.stdout) keepStdoutForJsonRpc();
  const log = pino({ name: "clearance-mcp" }, pino.destination(2));
  const { caller, close, demo } = flags.demo ? await demoCaller(flags) : await configuredCaller(flags);
  try {
    const session = await serveMcpStdio({
      caller,
      ...io,
      onError: (error) => log.error({ err: error }, "mcp tool failed"),
    });
    const others = demo?.people.filter(
      (p) => p.tenant === caller.retriever.tenant && p.email !== caller.user,
    );
    const lines = [
      `Clearance MCP server (stdio) answering as ${caller.user} in tenant ${caller.retriever.tenant}: tools search, fetch.`,
      ...(others?.length
        ? [
            `  ask as someone else: --user ${others
              .slice(0, 6)
              .map((p) => p.email)
              .join(" | ")}${others.length > 6 ? " | …" : ""}`,
          ]
        : []),
    ];
    return {
      banner: `${lines.join("\n")}\n`,
      closed: session.closed,
      close: async () => {
        await session.close();
        await close();
      },
    };
  } catch (error) {
    await close();
    throw error;
  }
}

async function demoCaller(
  flags: McpFlags,
): Promise<{ caller: McpCaller; demo: Demo; close(): Promise<void> }> {
  const demo = await startFlagsDemo(flags);
  const retriever = demo.retrievers.forTenant(
    flags.tenant ?? tenantOfPerson(demo.people, flags.user, demo.tenant),
  );
  // The company's first featured person unless told otherwise.
  const user = flags.user ?? demo.people.find((p) => p.tenant === retriever.tenant)?.email;
  if (!user) {
    await demo.close();
    throw new ClearanceError(
      "MCP_NO_USER",
      `the demo corpus lists nobody in ${retriever.tenant}: pass --user <email>`,
    );
  }
  return { caller: { retriever, user, member: false }, demo, close: () => demo.close() };
}

/** `--demo`, for either transport: the emulator on `--corpus`, ingested into `--store-dir` (stderr says so first). */
async function startFlagsDemo(flags: McpFlags): Promise<Demo> {
  // A mistyped tenant or person fails with only its error, before the emulator starts, as in
  // `query --demo`; over HTTP the person comes from each request, so --user is not checked there.
  checkDemoTenant(resolve(flags.corpus), flags.tenant);
  if (!flags.http) checkDemoPerson(resolve(flags.corpus), flags.tenant, flags.user);
  process.stderr.write("Clearance MCP demo: starting the emulator and ingesting the bundled corpus…\n");
  const progress = demoProgress();
  return startDemo({
    corpusDir: resolve(flags.corpus),
    ...(flags.storeDir ? { storeDir: resolve(flags.storeDir) } : {}),
    ...(flags.tenant ? { tenant: flags.tenant } : {}),
    ...progress.options,
  }).finally(() => progress.stop());
}

async function configuredCaller(
  flags: McpFlags,
): Promise<{ caller: McpCaller; demo?: Demo; close(): Promise<void> }> {
  const config = loadConfig({
    ...(flags.config ? { file: flags.config } : {}),
    overrides: { ...onlyTenantOverride(flags.tenant), ...(flags.user ? { mcp: { user: flags.user } } : {}) },
  });
  const user = config.mcp.user;
  if (!user) {
    throw new ClearanceError(
      "MCP_NO_USER",
      "a local MCP server answers for one person: pass --user <your email> or set CLEARANCE_MCP_USER (mcp.user)",
    );
  }
  // Long-running: its indexes are loaded before the first question, as `clearance serve`'s are.
  const { retriever, close } = await openConfiguredRetrieval(config, undefined, { warmUp: true });
  // Named by local configuration, not verified: record policies' membership rules decide, not a sign-in.
  return { caller: { retriever, user, member: false }, close };
}

/**
 * The Streamable HTTP server at `/mcp` for every tenant (with `--demo`, both companies of the
 * bundled corpus and the development headers).
 */
export async function startMcpHttp(flags: McpFlags): Promise<RunningMcp> {
  const log = pino({ name: "clearance-mcp" }, pino.destination(2));
  const onError = (error: unknown) => log.error({ err: error }, "mcp request failed");
  const overrides = {
    ...(flags.resource || flags.authorizationServer
      ? {
          mcp: {
            ...(flags.resource ? { resource: flags.resource } : {}),
            ...(flags.authorizationServer ? { authorizationServers: flags.authorizationServer } : {}),
          },
        }
      : {}),
  };
  let config: ClearanceConfig;
  let served: ReturnType<typeof servedMcp>;
  let close: () => Promise<void>;
  if (flags.demo) {
    config = loadConfig({
      ...(flags.config ? { file: flags.config } : {}),
      overrides: { ...overrides, tenant: "demo", managedSync: { token: "unused-by-the-demo" } },
    });
    const demo = await startFlagsDemo(flags);
    const identity: McpIdentity = {
      mode: "dev-header",
      identify: devHeaderIdentity({ people: demo.people }),
    };
    served = servedMcp({ retrievers: demo.retrievers, identity, config, onError });
    close = () => demo.close();
  } else {
    config = loadConfig({
      ...(flags.config ? { file: flags.config } : {}),
      overrides: { ...overrides, ...onlyTenantOverride(flags.tenant) },
    });
    const tenants = configuredTenants(config, tenantClientsFromConfig(config));
    const fixedTenant = tenants.length === 1 && !config.tenancy.discover ? tenants[0] : undefined;
    // Checked as the endpoint will verify tokens, before anything opens: their audience is the
    // MCP resource URL (mcpJwtIdentity; known once listening), never the chat's. Checked as the
    // chat's, it refused to start without --jwt-audience, a flag this command does not have.
    const identity = serveIdentity(
      { ...flags, jwtAudience: config.mcp.resource ?? MCP_PATH },
      config,
      fixedTenant,
      "mcp --http",
    );
    // A failing follower is told to the log only (reports say it fails, not why), as under serve.
    const opened = await openConfiguredTenants(config, { onFollowerError: followerErrorLogger(log) });
    served = servedMcp({
      retrievers: opened.retrievers,
      identity:
        identity.mode === "jwt"
          ? mcpJwtIdentity(flags, config, fixedTenant)
          : { mode: "dev-header", identify: devHeaderIdentity() },
      config,
      onError,
    });
    close = () => opened.close();
  }
  try {
    const { handler } = served;
    if (!handler)
      throw new ClearanceError("MCP_NO_AUTHORIZATION_SERVER", served.listening("").join(" ").trim());
    // Counted as `clearance serve` counts it: here the MCP endpoint is all there is to watch.
    const counted = countMcpResponses(handler);
    const app = new Hono();
    mountMcp(app, { mcp: counted.handler });
    app.get("/health", (c) => c.json({ status: "ok", metrics: { mcp: counted.snapshot() } }));
    const listening = await listen(app.fetch, {
      host: flags.host ?? config.server.host,
      port: flags.port ?? config.server.port,
    });
    const lines = [
      `Clearance MCP server on ${listening.url}`,
      ...served.listening(listening.url),
      "Ctrl-C to stop.",
    ];
    return {
      banner: `${lines.join("\n")}\n`,
      closed: new Promise<void>(() => undefined),
      close: async () => {
        await listening.close();
        await close();
      },
    };
  } catch (error) {
    await close();
    throw error;
  }
}

/**
 * In stdio mode stdout is the protocol: a stray `console.log` (ours or a dependency's) would
 * corrupt it, so console output goes to stderr from here on.
 */
function keepStdoutForJsonRpc(): void {
  const toStderr = (...args: unknown[]) => console.error(...args);
  console.log = toStderr;
  console.info = toStderr;
  console.debug = toStderr;
}
