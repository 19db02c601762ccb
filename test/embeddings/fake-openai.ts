import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";

/** What the fake saw and how it should answer. */
export interface FakeOpenAI {
  baseURL: string;
  /** Every request body received, in order. */
  requests: { model: string; input: string[]; dimensions?: number; encoding_format?: string }[];
  /** Statuses to answer with before answering normally (consumed one per request). */
  failures: number[];
  close(): Promise<void>;
}

/**
 * A FAKE OpenAI embeddings endpoint on loopback (the real API is not reachable here). Each text's
 * vector is [length, 1, 0, …] so tests can tell which text produced which vector.
 */
export async function startFakeOpenAI(dimensions = 8): Promise<FakeOpenAI> {
  const fake: Omit<FakeOpenAI, "baseURL" | "close"> = { requests: [], failures: [] };
  const server: Server = createServer((req, res) => {
    let body = "";
    req.on("data", (part) => {
      body += part;
    });
    req.on("end", () => {
      const parsed = JSON.parse(body);
      const input: string[] = Array.isArray(parsed.input) ? parsed.input : [parsed.input];
      fake.requests.push({ ...parsed, input });
      const failure = fake.failures.shift();
      if (req.url !== "/v1/embeddings" || failure !== undefined) {
        const status = failure ?? 404;
        res.writeHead(status, { "content-type": "application/json" });
        res.end(
          JSON.stringify({
            error: { message: `fake failure ${status}`, type: "fake", code: String(status) },
          }),
        );
        return;
      }
      const size = parsed.dimensions ?? dimensions;
      const data = input.map((text, index) => {
        const vector = Array.from({ length: size }, (_, i) => (i === 0 ? text.length : i === 1 ? 1 : 0));
        const embedding =
          parsed.encoding_format === "base64"
            ? Buffer.from(new Float32Array(vector).buffer).toString("base64")
            : vector;
        return { object: "embedding", index, embedding };
      });
      res.writeHead(200, { "content-type": "application/json" });
      res.end(
        JSON.stringify({
          object: "list",
          data,
          model: parsed.model,
          usage: { prompt_tokens: 1, total_tokens: 1 },
        }),
      );
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return Object.assign(fake, {
    baseURL: `http://127.0.0.1:${port}/v1`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  });
}
