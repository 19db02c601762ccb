import { spawn } from "node:child_process";
import { join } from "node:path";
import { expect, it } from "vitest";

// The emulator's cut fault writes half a body, then drops the connection, and tells node-server the
// response is sent. With another node-server in the process first (a full test run; an app that
// embeds the emulator), node-server took that marker for one of its own cached responses, wrote
// headers again, failed, and ended the body with its error text: the "cut" download arrived whole
// ("second draft ofError: Cannot wr"), and ingest indexed it. A process of its own, as the order in
// which modules load decides it.
it("cuts a download even when another node-server was started in the process first", {
  timeout: 30_000,
}, async () => {
  const child = spawn(process.execPath, ["--import", "tsx", join(import.meta.dirname, "cut-child.ts")], {
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  child.stdout.on("data", (d) => {
    output += String(d);
  });
  const code = await new Promise<number | null>((resolve) => child.on("exit", resolve));
  expect(code).toBe(0);
  expect(output.trim().split("\n")).toEqual(["cut", "cut", "cut", "cut", "cut"]);
});
