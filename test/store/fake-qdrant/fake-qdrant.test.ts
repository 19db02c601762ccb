import { QdrantClient } from "@qdrant/js-client-rest";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type FakeQdrant, startFakeQdrant } from "./server.js";

// The FAKE's own semantics, checked against what Qdrant documents (qdrant.tech/documentation:
// filtering, points, scroll) so a contract pass through it means what it says.
describe("FAKE Qdrant server", () => {
  let fake: FakeQdrant;
  let client: QdrantClient;
  const U1 = "550e8400-e29b-41d4-a716-446655440000";
  beforeAll(async () => {
    fake = await startFakeQdrant({ strictMode: false });
    client = new QdrantClient({ url: fake.url, checkCompatibility: false });
    await client.createCollection("docs", { vectors: { size: 2, distance: "Cosine" } });
    // The filtering page's example points, plus nested, array, null and empty payloads.
    await client.upsert("docs", {
      wait: true,
      points: [
        { id: 1, vector: [1, 0], payload: { city: "London", color: "green", n: 1 } },
        { id: 2, vector: [0, 1], payload: { city: "London", color: "red", n: 2 } },
        { id: 3, vector: [1, 1], payload: { city: "London", color: "blue", n: 3 } },
        { id: 4, vector: [3, 4], payload: { city: "Berlin", color: "red", n: 4.5 } },
        { id: 5, vector: [-1, 0], payload: { city: "Moscow", color: ["green", "black"], tags: [] } },
        {
          id: U1,
          vector: [2, 0],
          payload: { city: "Moscow", color: "blue", country: { name: "DE" }, x: null },
        },
      ],
    });
  });
  afterAll(async () => {
    await fake.close();
  });

  const ids = async (filter: Record<string, unknown>) =>
    (await client.scroll("docs", { filter, limit: 100 })).points.map((p) => p.id);
  const failure = (promise: Promise<unknown>) =>
    promise.then(
      () => undefined,
      (e: { status: number; data: unknown }) => ({ status: e.status, data: e.data }),
    );

  it("evaluates must, should and must_not as Qdrant's filtering page shows", async () => {
    const london = { key: "city", match: { value: "London" } };
    const red = { key: "color", match: { value: "red" } };
    expect(await ids({ must: [london, red] })).toEqual([2]);
    expect(await ids({ should: [london, red] })).toEqual([1, 2, 3, 4]);
    expect(await ids({ must_not: [london, red] })).toEqual([5, U1]);
    expect(await ids({ must: [london], must_not: [red] })).toEqual([1, 3]);
    expect(await ids({ must_not: [{ must: [london, red] }] })).toEqual([1, 3, 4, 5, U1]);
    // An empty should list is "at least one of none": nothing (query_checker.rs, check_should).
    expect(await ids({ should: [] })).toEqual([]);
    expect(await ids({ must: [] })).toEqual([1, 2, 3, 4, 5, U1]);
  });

  it("matches values, any, except, ranges, ids, nested keys, emptiness and null", async () => {
    expect(await ids({ must: [{ key: "color", match: { any: ["black", "yellow"] } }] })).toEqual([5]);
    expect(await ids({ must: [{ key: "color", match: { except: ["green", "red", "blue"] } }] })).toEqual([5]);
    expect(await ids({ must: [{ key: "n", range: { gte: 2, lt: 4.5 } }] })).toEqual([2, 3]);
    expect(await ids({ must: [{ key: "n", match: { value: 4 } }] })).toEqual([]);
    expect(await ids({ must: [{ has_id: [U1.toUpperCase(), 2, 99] }] })).toEqual([2, U1]);
    expect(await ids({ must: [{ key: "country.name", match: { value: "DE" } }] })).toEqual([U1]);
    expect(
      await ids({ must: [{ is_empty: { key: "tags" } }, { key: "city", match: { value: "Moscow" } }] }),
    ).toEqual([5, U1]);
    expect(await ids({ must: [{ is_null: { key: "x" } }] })).toEqual([U1]);
  });

  it("scrolls by id, integers first, with next_page_offset the next page's first id", async () => {
    const first = await client.scroll("docs", { limit: 4, with_payload: false });
    expect(first.points.map((p) => p.id)).toEqual([1, 2, 3, 4]);
    expect(first.next_page_offset).toBe(5);
    const last = await client.scroll("docs", { limit: 4, offset: 5 });
    expect(last.points.map((p) => p.id)).toEqual([5, U1]);
    expect(last.next_page_offset).toBeNull();
  });

  it("scores by cosine on the stored unit vector, pages with offset, selects payload keys", async () => {
    const { points } = await client.query("docs", {
      query: [1, 0],
      limit: 2,
      offset: 1,
      with_payload: ["city"],
      with_vector: true,
      filter: { must_not: [{ key: "city", match: { value: "Berlin" } }] },
    });
    expect(points.map((p) => p.id)).toEqual([U1, 3]);
    expect(points[0]?.score).toBeCloseTo(1, 6);
    expect(points[1]?.score).toBeCloseTo(Math.SQRT1_2, 6);
    expect(points[0]?.payload).toEqual({ city: "Moscow" });
    expect(points[0]?.vector).toEqual([1, 0]);
    const bare = await client.query("docs", { query: [1, 0], limit: 1 });
    expect(bare.points[0]?.payload ?? null).toBeNull();
  });

  it("upserts conditionally: update_filter guards existing points, update_mode inserts or not", async () => {
    await client.createCollection("leases", { vectors: { size: 1, distance: "Dot" } });
    const put = (id: number, holder: string, mode: "upsert" | "update_only" | "insert_only") =>
      client.upsert("leases", {
        wait: true,
        update_mode: mode,
        update_filter: { must: [{ key: "holder", match: { value: holder } }] },
        points: [{ id, vector: [1], payload: { holder } }],
      });
    const holderOf = async (id: number) =>
      (await client.retrieve("leases", { ids: [id] }))[0]?.payload?.holder;
    await put(1, "a", "update_only");
    expect(await holderOf(1)).toBeUndefined();
    await put(1, "a", "upsert");
    await put(1, "b", "upsert");
    expect(await holderOf(1)).toBe("a");
    await put(2, "b", "insert_only");
    await client.upsert("leases", {
      wait: true,
      update_mode: "insert_only",
      points: [{ id: 2, vector: [1], payload: { holder: "c" } }],
    });
    expect(await holderOf(2)).toBe("b");
  });

  it("answers Qdrant's errors: bad ids, missing collections, wrong sizes, duplicates, strict mode", async () => {
    const upsert = (id: unknown, vector = [1, 0]) =>
      client.upsert("docs", { wait: true, points: [{ id: id as number, vector }] });
    expect(await failure(upsert("1"))).toMatchObject({
      status: 400,
      data: {
        status: {
          error:
            "Format error in JSON body: value 1 is not a valid point ID, valid values are either an unsigned integer or a UUID",
        },
      },
    });
    expect(await failure(upsert(7, [1, 0, 0]))).toMatchObject({
      status: 400,
      data: { status: { error: "Wrong input: Vector dimension error: expected dim: 2, got 3" } },
    });
    expect(await failure(client.count("nope", {}))).toMatchObject({
      status: 404,
      data: { status: { error: "Not found: Collection `nope` doesn't exist!" } },
    });
    expect(
      await failure(client.createCollection("docs", { vectors: { size: 2, distance: "Cosine" } })),
    ).toMatchObject({ status: 409 });
    expect(await failure(client.query("docs", { query: [1, 0], score_threshold: 0.5 }))).toMatchObject({
      status: 501,
    });
    const strict = await startFakeQdrant();
    try {
      const c = new QdrantClient({ url: strict.url, checkCompatibility: false });
      await c.createCollection("s", { vectors: { size: 1, distance: "Dot" } });
      const count = () => c.count("s", { filter: { must: [{ key: "k", match: { value: "v" } }] } });
      expect(await failure(count())).toMatchObject({ status: 400 });
      await c.createPayloadIndex("s", { field_name: "k", field_schema: "keyword", wait: true });
      expect((await count()).count).toBe(0);
    } finally {
      await strict.close();
    }
  });
});
