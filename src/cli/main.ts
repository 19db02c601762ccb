import { Command, CommanderError } from "commander";
import { misspeltVariables } from "../config/index.js";
import { ClearanceError } from "../errors.js";
import { PACKAGE_VERSION } from "../package-version.js";
import { EXIT, exitCodeFor } from "./exit-codes.js";

/** Builds the `clearance` command line; each subcommand lives in its own file under `commands/`. */
export async function buildProgram(): Promise<Command> {
  const program = new Command("clearance")
    .description("Permission-aware retrieval over SaaS data synced by Paragon Managed Sync")
    // The version a bug report needs; `npx clearance` may run another copy than the one installed.
    .version(PACKAGE_VERSION, "-V, --version", "print Clearance's version")
    .showHelpAfterError();
  const { demoCommand } = await import("./commands/demo.js");
  const { emulatorCommand } = await import("./commands/emulator.js");
  const { ingestCommand } = await import("./commands/ingest.js");
  const { mcpCommand } = await import("./commands/mcp.js");
  const { queryCommand } = await import("./commands/query.js");
  const { serveCommand } = await import("./commands/serve.js");
  program.addCommand(demoCommand());
  program.addCommand(emulatorCommand());
  program.addCommand(ingestCommand());
  program.addCommand(mcpCommand());
  program.addCommand(queryCommand());
  program.addCommand(serveCommand());
  return program;
}

/**
 * Runs the CLI. A failure becomes one readable line on stderr and an exit code, never a stack
 * trace (set CLEARANCE_DEBUG=1 to see one): 2 when a flag or setting must be fixed first, 1
 * otherwise (see `exit-codes.ts`). With `--json`, stdout carries JSON for failures too:
 * `{ "ok": false, "error": { "code", "message" } }`, with the same exit code.
 */
export async function main(argv: string[]): Promise<void> {
  const json = wantsJson(argv);
  try {
    const program = await buildProgram();
    // Parse errors (unknown flag, bad value) come back here instead of exiting the process.
    for (const command of [program, ...program.commands]) command.exitOverride();
    await program.parseAsync(argv);
  } catch (error) {
    const failure = failureOf(error);
    if (!failure) return;
    // Commander has already printed its own line for a usage error.
    if (!(error instanceof CommanderError)) console.error(`clearance: ${failure.message} [${failure.code}]`);
    if (process.env.CLEARANCE_DEBUG && error instanceof Error) console.error(error.stack);
    if (json) process.stdout.write(`${JSON.stringify({ ok: false, error: failure }, null, 2)}\n`);
    process.exitCode = exitCodeFor(failure.code);
  }
}

/** `--json` anywhere before a `--`: the caller reads stdout as JSON, whatever happens. */
function wantsJson(argv: string[]): boolean {
  const end = argv.indexOf("--");
  return (end === -1 ? argv : argv.slice(0, end)).includes("--json");
}

/** What went wrong, as code and message; undefined for help and version output (not failures). */
function failureOf(error: unknown): { code: string; message: string } | undefined {
  if (error instanceof CommanderError) {
    if (error.exitCode === 0) return undefined;
    return { code: "CLI_USAGE", message: error.message.replace(/^error: /, "") };
  }
  if (error instanceof ClearanceError) return { code: error.code, message: withMisspeltVariables(error) };
  // Not one of ours: say what it was and what it came from; the stack is for CLEARANCE_DEBUG=1.
  const chain: string[] = [];
  for (let cause: unknown = error; cause !== undefined && chain.length < 4; ) {
    chain.push(cause instanceof Error ? cause.message : String(cause));
    cause = cause instanceof Error ? cause.cause : undefined;
  }
  return {
    code: "UNEXPECTED",
    message: `${chain.join(" ← ")} (unexpected: rerun with CLEARANCE_DEBUG=1 for the stack trace, and report it if it persists)`,
  };
}

/**
 * A setup error's message, plus any variable set that Clearance does not read but that resembles
 * one it does: `SERVE_NO_IDENTITY` says to set CLEARANCE_JWKS_URL to someone who set
 * CLEARANCE_JWKS_ULR. loadConfig's own errors (CONFIG_INVALID) list them already.
 */
function withMisspeltVariables(error: ClearanceError): string {
  if (error.code === "CONFIG_INVALID" || exitCodeFor(error.code) !== EXIT.usage) return error.message;
  const hints = misspeltVariables(process.env);
  return hints.length > 0 ? `${error.message} (also: ${hints.join("; ")})` : error.message;
}

const invokedDirectly = process.argv[1] && import.meta.url.endsWith(process.argv[1].replace(/\\/g, "/"));
if (invokedDirectly) {
  await main(process.argv);
}
