import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { chunkId, QdrantChunkStore, StoreError } from "../../src/store/index.js";
import { makeChunk } from "./fixtures.js";

interface Seen {
  method: string;
  path: string;
  body: Record<string, unknown> | undefined;
}

/**
 * A FAKE Qdrant REST endpoint (no Qdrant server can run here): it records what the adapter sends
 * and answers with canned, well-formed responses. It checks the adapter's requests, not Qdrant's
 * behaviour: qdrant-fake.test.ts runs the contract suite through a behavioural fake
 * (test/store/fake-qdrant), and qdrant.test.ts through a real server when QDRANT_URL is set.
 */
async function startFakeQdrant(
  options: {
    vectorSize?: number;
    queryPoints?: unknown[];
    pointCount?: number;
    statePoints?: unknown[];
    /** What a retrieve of points from the chunk collection `c` answers. */
    chunkPoints?: unknown[];
    /** Answers requests to this path with an error, in Qdrant's REST error shape. */
    refuse?: { path: string; status: number; error: string };
    /** Searches (`points/query`) are answered only once this settles. */
    holdQueries?: Promise<void>;
  } = {},
) {
  const seen: Seen[] = [];
  const created = new Set<string>();
  const server: Server = createServer((req, res) => {
    let raw = "";
    req.on("data", (part) => {
      raw += part;
    });
    req.on("end", async () => {
      const path = (req.url ?? "").split("?")[0]!;
      const body = raw ? JSON.parse(raw) : undefined;
      seen.push({ method: req.method ?? "", path, body });
      if (options.refuse?.path === path) {
        // Qdrant's error body: `{ status: { error }, time }` (api.qdrant.tech ErrorResponse).
        res.writeHead(options.refuse.status, { "content-type": "application/json" });
        res.end(JSON.stringify({ status: { error: options.refuse.error }, time: 0 }));
        return;
      }
      if (path.endsWith("/points/query")) await options.holdQueries;
      const name = path.split("/")[2] ?? "";
      let result: unknown = { operation_id: 1, status: "completed" };
      if (path.endsWith("/exists")) result = { exists: created.has(name) };
      else if (req.method === "PUT" && path === `/collections/${name}`) {
        created.add(name);
        result = true;
      } else if (req.method === "GET" && path === `/collections/${name}`) {
        const size = name.endsWith("_state") ? 1 : (options.vectorSize ?? 4);
        result = {
          status: "green",
          config: { params: { vectors: { size, distance: "Cosine" } } },
          payload_schema: {},
        };
      } else if (path.endsWith("/points/query")) result = { points: options.queryPoints ?? [] };
      else if (path.endsWith("/points/count")) result = { count: options.pointCount ?? 0 };
      else if (path.endsWith("/points/scroll")) result = { points: [], next_page_offset: null };
      else if (req.method === "POST" && path === "/collections/c/points") result = options.chunkPoints ?? [];
      else if (req.method === "POST" && path.endsWith("/points")) result = options.statePoints ?? [];
      res.writeHead(200, { "content-type": "application/json" });
      res.end(JSON.stringify({ result, status: "ok", time: 0 }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return { url, seen, close: () => new Promise<void>((r) => server.close(() => r())) };
}

describe("Qdrant adapter requests (against a FAKE Qdrant endpoint)", () => {
  let fake: Awaited<ReturnType<typeof startFakeQdrant>>;
  afterEach(async () => {
    await fake.close();
  });

  describe("with an empty server", () => {
    beforeEach(async () => {
      fake = await startFakeQdrant({
        queryPoints: [
          {
            id: "00000000-0000-5000-8000-000000000001",
            version: 1,
            score: 0.9,
            payload: {
              tenant: "tenant-a",
              syncId: "sync-1",
              recordId: "r1",
              chunkIndex: 0,
              contentHash: "h",
              text: "hello",
              integration: "box",
              externalId: "e1",
              name: "r1.pdf",
              mimeType: "application/pdf",
              updatedAt: "2024-01-01T00:00:00.000Z",
              page: 2,
            },
          },
        ],
      });
    });

    it("creates both collections and the payload indexes, tenant as a tenant index", async () => {
      await QdrantChunkStore.open({ url: fake.url, collection: "c", dimensions: 4 });
      const create = fake.seen.find((s) => s.method === "PUT" && s.path === "/collections/c");
      expect(create?.body).toMatchObject({
        vectors: { size: 4, distance: "Cosine" },
        hnsw_config: { payload_m: 16, m: 0 },
      });
      expect(fake.seen.some((s) => s.method === "PUT" && s.path === "/collections/c_state")).toBe(true);
      const indexes = fake.seen.filter((s) => s.path === "/collections/c/index").map((s) => s.body);
      expect(indexes).toEqual([
        { field_name: "tenant", field_schema: { type: "keyword", is_tenant: true } },
        { field_name: "recordId", field_schema: "keyword" },
        { field_name: "syncId", field_schema: "keyword" },
        { field_name: "contentHash", field_schema: "keyword" },
      ]);
    });

    it("indexes every payload key its filters name, as a collection in strict mode requires", async () => {
      // Qdrant strict mode (qdrant.tech/documentation/operations/administration, "Strict mode";
      // StrictModeConfig.unindexed_filtering_retrieve / unindexed_filtering_update: "Allow usage of
      // unindexed fields in ... filters") refuses a filter on an unindexed key with 400 "Index
      // required but not found"; Qdrant Cloud collections have it on. So every key any filter names
      // (searches, counts, deletes, payload patches, conditional lease updates) must be indexed.
      const store = await QdrantChunkStore.open({ url: fake.url, collection: "c", dimensions: 4 });
      await store.search([1, 0, 0, 0], {
        tenant: "tenant-a",
        recordIds: ["r1"],
        syncIds: ["sync-1"],
        limit: 5,
      });
      await store.count({ tenant: "tenant-a", recordIds: ["r1"], syncIds: ["sync-1"] });
      await store.deleteByRecord("tenant-a", "sync-1", ["r1"]);
      await store.deleteStaleChunks("tenant-a", "sync-1", [{ recordId: "r1", contentHash: "h2" }]);
      await store.updateRecordMetadata("tenant-a", "sync-1", "r1", { name: "n", url: undefined });
      await store.deleteSync("tenant-a", "sync-1");
      for await (const _ of store.recordVersions("tenant-a", "sync-1"));
      await store.listState("feed:acme");
      await store.acquireLease("sync:s1", "w1", 1_000);
      await store.renewLease("sync:s1", "w1", 1_000);
      await store.releaseLease("sync:s1", "w1");
      const keysOf = (node: unknown): string[] =>
        Array.isArray(node)
          ? node.flatMap(keysOf)
          : node && typeof node === "object"
            ? Object.entries(node).flatMap(([k, v]) =>
                k === "key" && typeof v === "string" ? [v] : keysOf(v),
              )
            : [];
      const unindexed = new Set<string>();
      for (const collection of ["c", "c_state"]) {
        const indexed = new Set(
          fake.seen
            .filter((s) => s.path === `/collections/${collection}/index`)
            .map((s) => (s.body as { field_name: string }).field_name),
        );
        for (const request of fake.seen.filter((s) =>
          s.path.startsWith(`/collections/${collection}/points`),
        )) {
          const body = request.body as { filter?: unknown; update_filter?: unknown } | undefined;
          for (const key of keysOf([body?.filter, body?.update_filter])) {
            if (!indexed.has(key)) unindexed.add(`${collection}.${key}`);
          }
        }
      }
      expect([...unindexed]).toEqual([]);
    });

    it("upserts with the deterministic chunk id as point id", async () => {
      const store = await QdrantChunkStore.open({ url: fake.url, collection: "c", dimensions: 4 });
      const chunk = makeChunk({ recordId: "r1", vector: [1, 0, 0, 0] });
      await store.upsert([chunk]);
      const upsert = fake.seen.find((s) => s.method === "PUT" && s.path === "/collections/c/points");
      const points = (
        upsert?.body as { points: { id: string; payload: Record<string, unknown> }[] } | undefined
      )?.points;
      expect(points?.[0]?.id).toBe(
        chunkId({
          tenant: "tenant-a",
          syncId: "sync-1",
          recordId: "r1",
          chunkIndex: 0,
          contentHash: "hash-1",
        }),
      );
      expect(points?.[0]?.payload).toMatchObject({
        tenant: "tenant-a",
        syncId: "sync-1",
        recordId: "r1",
        contentHash: "hash-1",
      });
    });

    it("deletes by filter with MatchAny, always ANDed with the tenant and the sync", async () => {
      const store = await QdrantChunkStore.open({ url: fake.url, collection: "c", dimensions: 4 });
      await store.deleteByRecord("tenant-a", "sync-1", ["r1", "r2"]);
      await store.deleteStaleChunks("tenant-a", "sync-1", [{ recordId: "r1", contentHash: "h2" }]);
      await store.updateRecordMetadata("tenant-a", "sync-1", "r1", { name: "n" });
      const inSync = [
        { key: "tenant", match: { value: "tenant-a" } },
        { key: "syncId", match: { value: "sync-1" } },
      ];
      const deletes = fake.seen.filter((s) => s.path === "/collections/c/points/delete").map((s) => s.body);
      expect(deletes[0]).toEqual({
        filter: { must: [...inSync, { key: "recordId", match: { any: ["r1", "r2"] } }] },
      });
      const patch = fake.seen.find((s) => s.path === "/collections/c/points/payload")?.body;
      expect(patch).toEqual({
        payload: { name: "n" },
        filter: { must: [...inSync, { key: "recordId", match: { value: "r1" } }] },
      });
      expect(deletes[1]).toEqual({
        filter: {
          must: inSync,
          should: [
            {
              must: [{ key: "recordId", match: { value: "r1" } }],
              must_not: [{ key: "contentHash", match: { value: "h2" } }],
            },
          ],
        },
      });
    });

    it("patches metadata fields only: a patch naming tenant, record or text (an untyped caller) never moves a chunk", async () => {
      const store = await QdrantChunkStore.open({ url: fake.url, collection: "c", dimensions: 4 });
      const patch = { name: "n", url: undefined, tenant: "tenant-b", recordId: "r9", text: "planted" };
      await store.updateRecordMetadata("tenant-a", "sync-1", "r1", patch as never);
      const sent = fake.seen.filter((s) => s.path.startsWith("/collections/c/points/payload"));
      expect(sent.map((s) => s.body)).toEqual([
        expect.objectContaining({ payload: { name: "n" } }),
        expect.objectContaining({ keys: ["url"] }),
      ]);
    });

    it("searches with tenant + record-id filter, offset, and maps the payload back", async () => {
      const store = await QdrantChunkStore.open({ url: fake.url, collection: "c", dimensions: 4 });
      const hits = await store.search([1, 0, 0, 0], {
        tenant: "tenant-a",
        recordIds: ["r1"],
        limit: 5,
        offset: 10,
      });
      const query = fake.seen.find((s) => s.path === "/collections/c/points/query")?.body;
      expect(query).toMatchObject({
        query: [1, 0, 0, 0],
        limit: 5,
        offset: 10,
        filter: {
          must: [
            { key: "tenant", match: { value: "tenant-a" } },
            { key: "recordId", match: { any: ["r1"] } },
          ],
        },
      });
      expect(hits[0]?.score).toBe(0.9);
      expect(hits[0]?.chunk.metadata).toMatchObject({ page: 2, name: "r1.pdf" });
      expect(await store.search([1, 0, 0, 0], { tenant: "tenant-a", recordIds: [], limit: 5 })).toEqual([]);
      expect(fake.seen.filter((s) => s.path === "/collections/c/points/query")).toHaveLength(1);
    });

    it("keys record versions by tenant, sync and record, and removes a sync by filter", async () => {
      const store = await QdrantChunkStore.open({ url: fake.url, collection: "c", dimensions: 4 });
      const version = (syncId: string) => ({
        tenant: "tenant-a",
        syncId,
        recordId: "r1",
        contentHash: "h",
        sourceVersion: "sv",
        chunkCount: 1,
        updatedAt: "2024-01-01T00:00:00.000Z",
      });
      await store.putRecordVersions([version("sync-1"), version("sync-2")]);
      const ids = fake.seen
        .filter((s) => s.method === "PUT" && s.path === "/collections/c_state/points")
        .flatMap((s) => (s.body as { points: { id: string; payload: { kind: string } }[] }).points)
        .filter((p) => p.payload.kind === "record")
        .map((p) => p.id);
      expect(new Set(ids).size).toBe(2);
      await store.deleteSync("tenant-a", "sync-1");
      const deletes = fake.seen.filter((s) => s.path.endsWith("/points/delete")).map((s) => [s.path, s.body]);
      expect(deletes).toEqual([
        [
          "/collections/c/points/delete",
          {
            filter: {
              must: [
                { key: "tenant", match: { value: "tenant-a" } },
                { key: "syncId", match: { value: "sync-1" } },
              ],
            },
          },
        ],
        [
          "/collections/c_state/points/delete",
          {
            filter: {
              must: [
                { key: "kind", match: { value: "record" } },
                { key: "tenant", match: { value: "tenant-a" } },
                { key: "syncId", match: { value: "sync-1" } },
              ],
            },
          },
        ],
        ["/collections/c_state/points/delete", { points: [expect.any(String)] }],
      ]);
    });

    it("keeps named state values as points of the state collection, listed by scope", async () => {
      const store = await QdrantChunkStore.open({ url: fake.url, collection: "c", dimensions: 4 });
      await store.putState("feed:acme", "sync-1", "token-1");
      await store.putState("feed:globex", "sync-1", "token-2");
      const writes = fake.seen
        .filter((s) => s.method === "PUT" && s.path === "/collections/c_state/points")
        .map((s) => (s.body as { points: { id: string; payload: unknown }[] }).points[0]!)
        .filter((p) => (p.payload as { scope?: string }).scope?.startsWith("feed:"));
      expect(writes.map((p) => p.payload)).toEqual([
        { kind: "state", scope: "feed:acme", key: "sync-1", value: "token-1" },
        { kind: "state", scope: "feed:globex", key: "sync-1", value: "token-2" },
      ]);
      expect(writes[0]!.id).not.toBe(writes[1]!.id);
      expect(await store.listState("feed:acme")).toEqual(new Map());
      const scroll = fake.seen.find((s) => s.path === "/collections/c_state/points/scroll")?.body;
      expect(scroll).toMatchObject({
        filter: {
          must: [
            { key: "kind", match: { value: "state" } },
            { key: "scope", match: { value: "feed:acme" } },
          ],
        },
      });
      const indexes = fake.seen.filter((s) => s.path === "/collections/c_state/index").map((s) => s.body);
      expect(indexes).toContainEqual({ field_name: "scope", field_schema: "keyword" });
    });

    it("stamps a new collection with its data layout", async () => {
      await QdrantChunkStore.open({ url: fake.url, collection: "c", dimensions: 4 });
      const stamp = fake.seen
        .filter((s) => s.method === "PUT" && s.path === "/collections/c_state/points")
        .map((s) => (s.body as { points: { payload: unknown }[] }).points[0]?.payload);
      expect(stamp).toEqual([{ kind: "state", scope: "clearance:store", key: "schema", value: "2" }]);
    });

    it("sends leases as conditional updates", async () => {
      const store = await QdrantChunkStore.open({ url: fake.url, collection: "c", dimensions: 4 });
      // The fake does not store points, so the read-back finds nothing and the lease is not ours.
      expect(await store.acquireLease("sync:s1", "w1", 1_000)).toBe(false);
      const write = fake.seen.find(
        (s) =>
          s.method === "PUT" && s.path === "/collections/c_state/points" && "update_mode" in (s.body ?? {}),
      )?.body;
      expect(write).toMatchObject({
        update_mode: "upsert",
        update_filter: {
          should: [
            { key: "expiresAt", range: { lt: expect.any(Number) } },
            { key: "holder", match: { value: "w1" } },
          ],
        },
      });
    });
  });

  it("refuses a collection written before records were keyed by sync, saying to re-ingest", async () => {
    // Points but no layout stamp: a collection from the previous release.
    fake = await startFakeQdrant({ pointCount: 12 });
    const error = await QdrantChunkStore.open({ url: fake.url, collection: "c", dimensions: 4 }).catch(
      (e: unknown) => e,
    );
    expect(error).toMatchObject({ code: "STORE_SCHEMA_MISMATCH", found: 1 });
    expect((error as Error).message).toMatch(/Qdrant collection c.*re-ingest/);
    expect(fake.seen.some((s) => s.method === "PUT" && s.path === "/collections/c_state/points")).toBe(false);
  });

  it("opens a stamped collection with points", async () => {
    fake = await startFakeQdrant({
      pointCount: 12,
      statePoints: [
        { id: "x", payload: { kind: "state", scope: "clearance:store", key: "schema", value: "2" } },
      ],
    });
    await expect(
      QdrantChunkStore.open({ url: fake.url, collection: "c", dimensions: 4 }),
    ).resolves.toBeDefined();
  });

  it("refuses a collection built for another vector size", async () => {
    fake = await startFakeQdrant({ vectorSize: 8 });
    await expect(
      QdrantChunkStore.open({ url: fake.url, collection: "c", dimensions: 4 }),
    ).rejects.toMatchObject({
      code: "STORE_DIMENSIONS_MISMATCH",
    });
  });

  it("searches refs with only the ref keys of the payload, and reads back only the chunk a ref names", async () => {
    const id = "00000000-0000-5000-8000-000000000001";
    const other = "00000000-0000-5000-8000-000000000002";
    const payload = (recordId: string) => ({
      tenant: "tenant-a",
      syncId: "sync-1",
      recordId,
      chunkIndex: 0,
      contentHash: "h",
      text: `text of ${recordId}`,
      integration: "box",
      externalId: "e1",
      name: `${recordId}.pdf`,
      mimeType: "application/pdf",
      updatedAt: "2024-01-01T00:00:00.000Z",
    });
    fake = await startFakeQdrant({
      queryPoints: [
        { id, version: 1, score: 0.9, payload: { tenant: "tenant-a", syncId: "sync-1", recordId: "r1" } },
      ],
      // The second point now holds record r9: not the chunk of r2 the ref below names.
      chunkPoints: [
        { id, payload: payload("r1") },
        { id: other, payload: payload("r9") },
      ],
    });
    const store = await QdrantChunkStore.open({ url: fake.url, collection: "c", dimensions: 4 });
    const refs = await store.searchRefs([1, 0, 0, 0], { tenant: "tenant-a", limit: 5 });
    const query = fake.seen.find((s) => s.path === "/collections/c/points/query")?.body;
    expect(query).toMatchObject({ limit: 5, with_payload: ["tenant", "syncId", "recordId"] });
    expect(refs).toEqual([{ ref: { id, tenant: "tenant-a", syncId: "sync-1", recordId: "r1" }, score: 0.9 }]);
    const read = await store.readChunks([
      refs[0]!.ref,
      { id: other, tenant: "tenant-a", syncId: "sync-1", recordId: "r2" },
    ]);
    const retrieve = fake.seen.find((s) => s.method === "POST" && s.path === "/collections/c/points")?.body;
    expect(retrieve).toMatchObject({ ids: [id, other], with_payload: true });
    expect([...read.keys()]).toEqual([id]);
    expect(read.get(id)?.text).toBe("text of r1");
  });

  it("turns a payload it did not write into a StoreError", async () => {
    fake = await startFakeQdrant({
      queryPoints: [{ id: 1, version: 1, score: 0.5, payload: { tenant: "x" } }],
    });
    const store = await QdrantChunkStore.open({ url: fake.url, collection: "c", dimensions: 4 });
    await expect(store.search([1, 0, 0, 0], { tenant: "tenant-a", limit: 1 })).rejects.toBeInstanceOf(
      StoreError,
    );
  });

  it("reports what Qdrant said when it refuses a request, not only the HTTP status text", async () => {
    // Qdrant answers an error with `{ status: { error: "<reason>" } }` (api.qdrant.tech
    // ErrorResponse); the JS client's ApiError message is only the status text ("Bad Request").
    const reason =
      'Bad request: Index required but not found for "contentHash" of one of the following types: [keyword, uuid]. Help: Create an index for this key or use a different filter.';
    fake = await startFakeQdrant({
      refuse: { path: "/collections/c/points/delete", status: 400, error: reason },
    });
    const store = await QdrantChunkStore.open({ url: fake.url, collection: "c", dimensions: 4 });
    const error = await store
      .deleteStaleChunks("tenant-a", "sync-1", [{ recordId: "r1", contentHash: "h2" }])
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StoreError);
    expect(error).toMatchObject({ code: "STORE_REQUEST_FAILED" });
    expect((error as Error).message).toContain('Index required but not found for "contentHash"');
  });

  it("says to check the API key when Qdrant answers 401", async () => {
    fake = await startFakeQdrant({
      refuse: { path: "/collections/c/points/query", status: 401, error: "Must provide an API key" },
    });
    const store = await QdrantChunkStore.open({ url: fake.url, collection: "c", dimensions: 4 });
    const error = await store.search([1, 0, 0, 0], { tenant: "tenant-a", limit: 1 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StoreError);
    expect((error as Error).message).toContain("QDRANT_API_KEY");
  });

  it("stops waiting for a search when its signal aborts, not when Qdrant answers", async () => {
    // The JS client takes no per-call AbortSignal and times out only after 300 s (its default).
    let release = () => {};
    const held = new Promise<void>((resolve) => {
      release = resolve;
    });
    fake = await startFakeQdrant({ holdQueries: held });
    const store = await QdrantChunkStore.open({ url: fake.url, collection: "c", dimensions: 4 });
    const controller = new AbortController();
    const search = store.search([1, 0, 0, 0], { tenant: "tenant-a", limit: 1, signal: controller.signal });
    const outcome = search.then(
      () => "resolved",
      (e: unknown) => (e === controller.signal.reason ? "aborted" : `failed: ${String(e)}`),
    );
    // Wait until the fake has the request, then abort while it is still unanswered; the abort must
    // settle the search before the next macrotask (setImmediate), with no answer from Qdrant.
    while (!fake.seen.some((s) => s.path === "/collections/c/points/query")) {
      await new Promise((r) => setTimeout(r, 5));
    }
    controller.abort();
    const settled = await Promise.race([outcome, new Promise((r) => setImmediate(() => r("still waiting")))]);
    release();
    await outcome;
    expect(settled).toBe("aborted");
  });

  it("reports an unreachable server as a StoreError that names the setting", async () => {
    fake = await startFakeQdrant();
    const error = await QdrantChunkStore.open({ url: "http://127.0.0.1:9", dimensions: 4 }).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(StoreError);
    expect((error as Error).message).toContain("QDRANT_URL");
  });
});
