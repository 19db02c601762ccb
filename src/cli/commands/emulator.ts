import { tmpdir } from "node:os";
import { join } from "node:path";
import { Command, Option } from "commander";
import { EXAMPLE_CORPUS_DIR } from "../../emulator/corpus/example-corpus.js";
import { type Emulator, type FaultConfigInput, startEmulator } from "../../emulator/index.js";
import { fraction, nonNegativeInt, readFlagFile, regex } from "../args.js";

export interface EmulatorFlags {
  corpus: string;
  port: number;
  host: string;
  state?: string;
  adminToken?: string;
  signingKey?: string;
  publicKey?: string;
  rate429?: number;
  retryAfter?: number;
  rate503?: number;
  rateSlow?: number;
  slowMs?: number;
  rateCut?: number;
  faultPath?: string;
  faultSeed?: number;
  webhookUrl?: string;
}

/**
 * `clearance emulator`: serves a corpus folder as Managed Sync (Sync API, aliases, admin API)
 * until Ctrl-C. Prints the URL, project id, a token per Connected User, the admin token, and the
 * `export` lines that point Clearance (CLI, config, the README's snippet) at it.
 */
export function emulatorCommand(): Command {
  return new Command("emulator")
    .description(
      "Run a Managed Sync-compatible server over a corpus folder (for development, tests and the demo)",
    )
    .addOption(
      new Option("--corpus <dir>", "corpus folder with manifest.yaml").default(
        EXAMPLE_CORPUS_DIR,
        "the example companies",
      ),
    )
    .addOption(
      new Option("--port <n>", "port to listen on (0: any free port)")
        .argParser(nonNegativeInt)
        .default(4010),
    )
    .option("--host <host>", "interface to listen on", "127.0.0.1")
    .option("--state <dir>", "keep state, added files and the dev key here, so restarts keep changes")
    .option("--admin-token <token>", "bearer token for /__admin (default: generated, kept in --state)")
    .option("--signing-key <file>", "the project's Signing Key (PEM): verify and mint user tokens")
    .option("--public-key <file>", "verify only, with this public key (PEM)")
    .addOption(new Option("--rate-429 <r>", "fraction of requests answered 429").argParser(fraction))
    .addOption(new Option("--retry-after <s>", "Retry-After seconds on 429").argParser(nonNegativeInt))
    .addOption(new Option("--rate-503 <r>", "fraction of requests answered 503").argParser(fraction))
    .addOption(new Option("--rate-slow <r>", "fraction of requests delayed by --slow-ms").argParser(fraction))
    .addOption(new Option("--slow-ms <ms>", "delay of a slow request").argParser(nonNegativeInt))
    .addOption(new Option("--rate-cut <r>", "fraction of responses cut off mid-body").argParser(fraction))
    .addOption(new Option("--fault-path <regex>", "only fault request paths matching this").argParser(regex))
    .addOption(new Option("--fault-seed <n>", "seed of the fault sequence").argParser(nonNegativeInt))
    .option(
      "--webhook-url <url>",
      "POST Managed Sync webhooks here (the initial syncs end with sync_complete)",
    )
    .action(async (flags: EmulatorFlags) => {
      const { emulator, banner } = await startFromFlags(flags);
      process.stdout.write(banner);
      await new Promise<void>((resolve) => {
        process.once("SIGINT", resolve);
        process.once("SIGTERM", resolve);
      });
      await emulator.close();
    });
}

/** Starts the emulator as the flags say and renders what to print (exported for tests). */
export async function startFromFlags(flags: EmulatorFlags): Promise<{ emulator: Emulator; banner: string }> {
  const emulator = await startEmulator({
    corpusDir: flags.corpus,
    port: flags.port,
    host: flags.host,
    stateDir: flags.state,
    adminToken: flags.adminToken,
    signingKey: flags.signingKey ? readFlagFile("--signing-key", flags.signingKey) : undefined,
    publicKey: flags.publicKey ? readFlagFile("--public-key", flags.publicKey) : undefined,
    // Without --state the dev key goes to a per-port temp file, so tokens survive a restart.
    devKeyFile: flags.state
      ? undefined
      : join(tmpdir(), `clearance-emulator-${flags.port}`, "signing-key.pem"),
    faults: faultsOf(flags),
    ...(flags.webhookUrl ? { webhookUrl: flags.webhookUrl } : {}),
  });
  const lines = [
    `Managed Sync emulator listening on ${emulator.url}`,
    `  project id   ${emulator.projectId}   (token aud: useparagon.com/${emulator.projectId})`,
    `  admin token  ${emulator.adminToken}   (Authorization: Bearer … on ${emulator.url}/__admin)`,
  ];
  if (emulator.signingKeyPath) lines.push(`  signing key  ${emulator.signingKeyPath}`);
  if (emulator.signingKeyPem) {
    lines.push('  user tokens (24 h; more with POST /__admin/tokens {"userId": …}):');
    for (const tenant of emulator.state.tenants()) {
      lines.push(`    ${tenant}: ${await emulator.tokenFor(tenant)}`);
    }
  } else {
    lines.push("  user tokens: sign them with your project's Signing Key (aud above, RS256)");
  }
  if (emulator.webhooks.webhookUrl) lines.push(`  webhooks     ${emulator.webhooks.webhookUrl}`);
  if (emulator.faults.current) lines.push(`  faults       ${JSON.stringify(emulator.faults.current)}`);
  lines.push("", "Point Clearance at it (paste into the shell that runs clearance or your app):");
  lines.push(...exportLines(emulator, flags.signingKey ?? emulator.signingKeyPath), "");
  lines.push("Ctrl-C to stop.");
  return { emulator, banner: `${lines.join("\n")}\n` };
}

/** Shell `export` lines for the settings Clearance reads (src/config/env.ts), pointing at this emulator. */
function exportLines(emulator: Emulator, signingKeyFile: string | undefined): string[] {
  const tenants = emulator.state.tenants();
  const lines = [
    `export PARAGON_SYNC_URL=${shellQuote(emulator.url)}`,
    `export PARAGON_PROJECT_ID=${shellQuote(emulator.projectId)}`,
  ];
  if (signingKeyFile) {
    // The key itself, not its path: the README's snippet and every Paragon example read the PEM.
    lines.push(`export PARAGON_SIGNING_KEY="$(cat ${shellQuote(signingKeyFile)})"`);
  } else {
    lines.push("# no signing key (--public-key only): set PARAGON_USER_TOKEN to a token you signed");
  }
  lines.push(
    tenants.length === 1
      ? `export CLEARANCE_TENANT=${shellQuote(tenants[0]!)}`
      : `export CLEARANCE_TENANTS=${shellQuote(tenants.join(","))}`,
  );
  return lines;
}

/** Quotes a value for POSIX shells when it needs it. */
function shellQuote(value: string): string {
  return /^[\w@%+=:,./-]+$/.test(value) ? value : `'${value.replaceAll("'", "'\\''")}'`;
}

function faultsOf(flags: EmulatorFlags): FaultConfigInput | undefined {
  const config: FaultConfigInput = {
    rate429: flags.rate429,
    retryAfterSeconds: flags.retryAfter,
    rate503: flags.rate503,
    rateSlow: flags.rateSlow,
    slowMs: flags.slowMs,
    rateCut: flags.rateCut,
    pathPattern: flags.faultPath,
    seed: flags.faultSeed,
  };
  const any = [flags.rate429, flags.rate503, flags.rateSlow, flags.rateCut].some(
    (r) => r !== undefined && r > 0,
  );
  return any ? config : undefined;
}
