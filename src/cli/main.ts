import { Command } from "commander";
import { ClearanceError } from "../errors.js";
import { exitCodeFor } from "./exit-codes.js";

/** Builds the `clearance` command line; each subcommand lives in its own file under `commands/`. */
export async function buildProgram(): Promise<Command> {
  const program = new Command("clearance")
    .description("Permission-aware retrieval over SaaS data synced by Paragon Managed Sync")
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
 * Runs the CLI; a `ClearanceError` becomes one readable line and an exit code, not a stack trace:
 * 2 when a setting must be fixed first, 1 otherwise (see `exit-codes.ts`).
 */
export async function main(argv: string[]): Promise<void> {
  try {
    const program = await buildProgram();
    await program.parseAsync(argv);
  } catch (error) {
    if (error instanceof ClearanceError) {
      console.error(`clearance: ${error.message} [${error.code}]`);
      process.exitCode = exitCodeFor(error.code);
      return;
    }
    throw error;
  }
}

const invokedDirectly = process.argv[1] && import.meta.url.endsWith(process.argv[1].replace(/\\/g, "/"));
if (invokedDirectly) {
  await main(process.argv);
}
