import { randomBytes } from "node:crypto";
import { gzipSync } from "node:zlib";
import PDFDocument from "pdfkit";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import {
  BodyIncompleteError,
  ContentTooLargeError,
  ManagedSyncClient,
  type RetryEvent,
} from "../../src/managed-sync/index.js";
import { type Handler, type Loopback, sendCutOff, startLoopback, withFaults } from "./helpers/loopback.js";

const SYNC = "sync-1";
const RECORD = "rec-1";
const PATH = `/api/syncs/${SYNC}/records/${RECORD}/content`;
let server: Loopback | undefined;
let pdf: Buffer;

beforeAll(async () => {
  const doc = new PDFDocument();
  const chunks: Buffer[] = [];
  doc.on("data", (chunk: Buffer) => chunks.push(chunk));
  const done = new Promise<void>((resolve) => doc.on("end", () => resolve()));
  doc.text("Quarterly plan: permission-aware retrieval.");
  doc.end();
  await done;
  pdf = Buffer.concat(chunks);
});

afterEach(async () => {
  await server?.close();
  server = undefined;
});

async function clientFor(handler: Handler) {
  server = await startLoopback(handler);
  const retries: RetryEvent[] = [];
  const client = new ManagedSyncClient({
    baseUrl: server.url,
    auth: { token: "t" },
    retry: { baseDelayMs: 1, maxDelayMs: 5 },
    onRetry: (event) => retries.push(event),
  });
  return { client, retries, server };
}

const servePdf: Handler = (request, res) => {
  if (request.path !== PATH) {
    res.writeHead(404).end();
    return;
  }
  res.writeHead(200, { "content-type": "application/pdf", "content-length": pdf.byteLength });
  res.end(pdf);
};

/** Sends `total` bytes in chunks with no Content-Length (chunked encoding). */
function chunked(total: number, contentType = "text/plain; charset=utf-8"): Handler {
  return (_request, res) => {
    res.writeHead(200, { "content-type": contentType });
    const chunk = Buffer.alloc(1024, 97);
    let sent = 0;
    const pump = () => {
      while (sent < total) {
        const part = chunk.subarray(0, Math.min(chunk.byteLength, total - sent));
        sent += part.byteLength;
        if (!res.write(part)) {
          res.once("drain", pump);
          return;
        }
      }
      res.end();
    };
    pump();
  };
}

async function readAll(stream: ReadableStream<Uint8Array>): Promise<Buffer> {
  return Buffer.from(await new Response(stream).arrayBuffer());
}

describe("records.content (stream)", () => {
  it("streams a real PDF with its Content-Type and length", async () => {
    const { client } = await clientFor(servePdf);
    const content = await client.records.content(SYNC, RECORD, { maxBytes: 10_000_000 });
    expect(content.contentType).toBe("application/pdf");
    expect(content.mimeType).toBe("application/pdf");
    expect(content.contentLength).toBe(pdf.byteLength);
    const bytes = await readAll(content.body);
    expect(bytes.equals(pdf)).toBe(true);
    expect(bytes.subarray(0, 5).toString()).toBe("%PDF-");
  });

  it("refuses at once when Content-Length exceeds maxBytes", async () => {
    const { client } = await clientFor(servePdf);
    const error = await client.records.content(SYNC, RECORD, { maxBytes: 100 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ContentTooLargeError);
    expect(error).toMatchObject({ code: "CONTENT_TOO_LARGE", maxBytes: 100, sizeBytes: pdf.byteLength });
  });

  it("errors the stream with CONTENT_TOO_LARGE when a chunked body crosses maxBytes", async () => {
    const { client } = await clientFor(chunked(50_000));
    const content = await client.records.content(SYNC, RECORD, { maxBytes: 20_000 });
    expect(content.contentLength).toBeUndefined();
    expect(content.mimeType).toBe("text/plain");
    const error = await readAll(content.body).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ContentTooLargeError);
    expect((error as ContentTooLargeError).sizeBytes).toBeGreaterThan(20_000);
  });

  it("accepts a chunked body of exactly maxBytes", async () => {
    const { client } = await clientFor(chunked(20_000));
    const content = await client.records.content(SYNC, RECORD, { maxBytes: 20_000 });
    expect((await readAll(content.body)).byteLength).toBe(20_000);
  });

  it("errors the stream with BODY_INCOMPLETE when the connection drops mid-body", async () => {
    const { client } = await clientFor((_r, res) =>
      sendCutOff(res, 200, "x".repeat(10_000), 3000, "text/plain"),
    );
    const content = await client.records.content(SYNC, RECORD, { maxBytes: 1_000_000 });
    const error = await readAll(content.body).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BodyIncompleteError);
    expect((error as BodyIncompleteError).expectedBytes).toBe(10_000);
    expect((error as Error).message).toContain("GET /api/syncs/{syncId}/records/{recordId}/content");
  });
});

describe("records.contentBytes (buffered)", () => {
  it("retries a body cut off mid-way and returns the complete file", async () => {
    const cut: Handler = (_r, res) => sendCutOff(res, 200, pdf.toString("latin1"), 200, "application/pdf");
    const { client, retries, server } = await clientFor(withFaults(servePdf, { 0: cut, 1: cut }));
    const { bytes, contentType } = await client.records.contentBytes(SYNC, RECORD, { maxBytes: 10_000_000 });
    expect(contentType).toBe("application/pdf");
    expect(Buffer.from(bytes).equals(pdf)).toBe(true);
    expect(retries.map((r) => r.error.code)).toEqual(["BODY_INCOMPLETE", "BODY_INCOMPLETE"]);
    expect(server.requests).toHaveLength(3);
  });

  it("does not retry CONTENT_TOO_LARGE", async () => {
    const { client, server } = await clientFor(chunked(30_000));
    const error = await client.records
      .contentBytes(SYNC, RECORD, { maxBytes: 10_000 })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ContentTooLargeError);
    expect(server.requests).toHaveLength(1);
  });

  // fetch asks for gzip and hands over the decoded body, while Content-Length counts the encoded
  // bytes: an incompressible file (a PDF's streams, a JPEG, random bytes) decodes to fewer bytes
  // than that, and was refused as BODY_INCOMPLETE on every attempt of every run.
  it("takes a gzip-encoded body that decodes to fewer bytes than its Content-Length", async () => {
    const file = randomBytes(50_000);
    const encoded = gzipSync(file);
    expect(encoded.byteLength).toBeGreaterThan(file.byteLength);
    const { client, retries, server } = await clientFor((_r, res) => {
      const headers = { "content-encoding": "gzip", "content-length": encoded.byteLength };
      res.writeHead(200, { "content-type": "application/octet-stream", ...headers });
      res.end(encoded);
    });
    const { bytes } = await client.records.contentBytes(SYNC, RECORD, { maxBytes: 60_000 });
    expect(Buffer.from(bytes).equals(file)).toBe(true);
    expect(retries).toEqual([]);
    expect(server.requests[0]?.headers["accept-encoding"]).toContain("gzip");
  });

  it("holds a gzip bomb to maxBytes by its decoded bytes, and still notices a cut-off encoded body", async () => {
    const bomb = gzipSync(Buffer.alloc(2_000_000));
    const { client } = await clientFor((_r, res) => {
      res.writeHead(200, { "content-encoding": "gzip", "content-length": bomb.byteLength });
      res.end(bomb);
    });
    const error = await client.records.contentBytes(SYNC, RECORD, { maxBytes: 100_000 }).catch((e) => e);
    expect(error).toBeInstanceOf(ContentTooLargeError);
    expect(error.sizeBytes).toBeGreaterThan(100_000);
    await server?.close();

    const encoded = gzipSync(randomBytes(50_000));
    const cut: Handler = (_r, res) => {
      res.writeHead(200, { "content-encoding": "gzip", "content-length": encoded.byteLength });
      res.write(encoded.subarray(0, 20_000), () => setTimeout(() => res.socket?.destroy(), 10));
    };
    const cutOnce = await clientFor(withFaults(cut, { 1: (_r, res) => void res.writeHead(404).end() }));
    const failure = await cutOnce.client.records
      .contentBytes(SYNC, RECORD, { maxBytes: 100_000 })
      .catch((e) => e);
    expect(cutOnce.retries.map((r) => r.error.code)).toEqual(["BODY_INCOMPLETE"]);
    expect(failure).toMatchObject({ code: "NOT_FOUND" });
  });

  it("rejects a negative maxBytes before calling the server", async () => {
    const { client, server } = await clientFor(servePdf);
    await expect(client.records.contentBytes(SYNC, RECORD, { maxBytes: -1 })).rejects.toMatchObject({
      code: "INVALID_ARGUMENT",
    });
    expect(server.requests).toHaveLength(0);
  });
});
