// Run by cut-after-another-server.test.ts in a process of its own: another @hono/node-server
// server starts first (it puts its own Response in the global scope), then the emulator is loaded
// and a download cut by its fault is read five times. Prints one line per read: "cut" or the body.
import { serve } from "@hono/node-server";
import { Hono } from "hono";

const other = serve({ fetch: new Hono().get("/", (c) => c.text("hi")).fetch, port: 0 });
const { startEmulator } = await import("../../src/emulator/index.js");
const emulator = await startEmulator({
  corpus: {
    manifest: {
      domain: "northwind.test",
      people: [{ email: "maya@northwind.test" }],
      connectedUsers: [
        {
          id: "northwind",
          syncs: [{ integration: "googledrive", root: "drive", owner: "maya@northwind.test" }],
        },
      ],
    },
    files: { "drive/Plan.txt": "second draft of the launch plan" },
  },
  port: 0,
});
const headers = { authorization: `Bearer ${await emulator.tokenFor("northwind")}` };
type Page = { data: { id: string }[] };
const get = async (path: string) =>
  (await (await fetch(`${emulator.url}${path}`, { headers })).json()) as Page;
const syncId = (await get("/api/syncs")).data[0]!.id;
const record = (await get(`/api/syncs/${syncId}/records`)).data[0]!;
emulator.faults.set({ rateCut: 1, pathPattern: "/content$" });
for (let i = 0; i < 5; i++) {
  try {
    const response = await fetch(`${emulator.url}/api/syncs/${syncId}/records/${record.id}/content`, {
      headers,
    });
    console.log(`whole ${JSON.stringify(await response.text())}`);
  } catch {
    console.log("cut");
  }
}
await emulator.close();
other.close();
