import { spawn } from "node:child_process";

/**
 * Runs `node <args>` (a bench script in child mode, with its own heap and RSS) and resolves with the
 * JSON of the last line it prints. Example: `runBenchChild<R>(["--import", "tsx", file, "--child"])`.
 */
export function runBenchChild<T>(nodeArgs: string[]): Promise<T> {
  const proc = spawn(process.execPath, nodeArgs, { stdio: ["ignore", "pipe", "inherit"] });
  let out = "";
  proc.stdout.on("data", (d) => {
    out += String(d);
  });
  return new Promise((resolve, reject) => {
    proc.on("error", reject);
    proc.on("exit", (code) => {
      if (code !== 0) return reject(new Error(`bench child exited with ${code}`));
      resolve(JSON.parse(out.trim().split("\n").at(-1)!) as T);
    });
  });
}
