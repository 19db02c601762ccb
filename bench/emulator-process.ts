/**
 * The emulator in a process of its own, for benchmarks: Paragon answers from another machine, so
 * its work must not share the measured process's event loop. Reads `{ corpus, tenant }` as JSON on
 * stdin, prints `{ url, adminToken, token }` as one JSON line, and stops on SIGTERM.
 */
import { type CorpusSpec, startEmulator } from "../src/emulator/index.js";

let input = "";
for await (const chunk of process.stdin) input += chunk;
const { corpus, tenant } = JSON.parse(input) as { corpus: CorpusSpec; tenant: string };
const emu = await startEmulator({ corpus, port: 0 });
process.stdout.write(
  `${JSON.stringify({ url: emu.url, adminToken: emu.adminToken, token: await emu.tokenFor(tenant) })}\n`,
);
process.once("SIGTERM", () => {
  void emu.close().then(() => process.exit(0));
});
