import fc from "fast-check";
import { afterEach, describe, expect, it } from "vitest";
import {
  type AccessCheck,
  BodyIncompleteError,
  ManagedSyncClient,
  type ManagedSyncClientOptions,
  ManagedSyncHttpError,
  ManagedSyncResponseError,
} from "../../src/managed-sync/index.js";
import {
  type Handler,
  type Loopback,
  sendCutOff,
  sendJson,
  startLoopback,
  withFaults,
} from "./helpers/loopback.js";
import { type PermissionsServerOptions, permissionsHandler } from "./helpers/permissions-server.js";

const SYNC = "sync-p";
let server: Loopback | undefined;

afterEach(async () => {
  await server?.close();
  server = undefined;
});

async function clientFor(handler: Handler, options: Partial<ManagedSyncClientOptions> = {}) {
  server = await startLoopback(handler);
  const client = new ManagedSyncClient({
    baseUrl: server.url,
    auth: { token: "t" },
    retry: { baseDelayMs: 1, maxDelayMs: 5 },
    ...options,
  });
  return { client, server };
}

/** Streams `user`'s can_read list into `seen` as it arrives (what came before a failure stays there). */
async function streamInto(
  client: ManagedSyncClient,
  user: string,
  objectType: "file" | "folder",
  seen: string[],
): Promise<void> {
  for await (const object of client.permissions.streamListObjects(SYNC, {
    user,
    role: "can_read",
    objectType,
  })) {
    seen.push(object);
  }
}

function aclServer(options: Omit<PermissionsServerOptions, "syncId">) {
  return permissionsHandler({ syncId: SYNC, ...options });
}

const id = (n: number) => `0000000${n}-aaaa-5bbb-8ccc-000000000000`.slice(-36);
const readers: Record<string, string[]> = {
  [id(1)]: ["ana@northwind.test", "leo@northwind.test"],
  [id(2)]: ["leo@northwind.test"],
  [id(3)]: [],
};

describe("permissions.check", () => {
  it("answers from hasAccess and sends the user as a plain email", async () => {
    const { handler } = aclServer({ readers });
    const { client, server } = await clientFor(handler);
    expect(
      await client.permissions.check(SYNC, {
        object: id(1),
        user: "user:ana@northwind.test",
        role: "can_read",
      }),
    ).toBe(true);
    expect(
      await client.permissions.check(SYNC, { object: id(2), user: "ana@northwind.test", role: "can_read" }),
    ).toBe(false);
    expect(server.requests[0]?.path).toBe(`/api/permissions/${SYNC}/check`);
    expect(server.requests[0]?.json).toEqual({ object: id(1), user: "ana@northwind.test", role: "can_read" });
  });

  it("sends the user exactly as given with userFormat as-given", async () => {
    const { handler } = aclServer({ readers });
    const { client, server } = await clientFor(handler, { userFormat: "as-given" });
    await client.permissions.check(SYNC, {
      object: id(1),
      user: "user:ana@northwind.test",
      role: "can_read",
    });
    expect((server.requests[0]?.json as { user: string } | undefined)?.user).toBe("user:ana@northwind.test");
  });

  it("refuses an unknown role before calling the server", async () => {
    const { handler } = aclServer({ readers });
    const { client, server } = await clientFor(handler);
    const check = { object: id(1), user: "a@b.c", role: "viewer" } as unknown as AccessCheck;
    await expect(client.permissions.check(SYNC, check)).rejects.toThrow(/can_read, can_write, is_owner/);
    expect(server.requests).toHaveLength(0);
  });

  it("rejects a response without hasAccess, naming the field", async () => {
    const { client } = await clientFor((_r, res) => sendJson(res, 200, { allowed: true }));
    const error = await client.permissions
      .check(SYNC, { object: id(1), user: "a@b.c", role: "can_read" })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ManagedSyncResponseError);
    expect((error as ManagedSyncResponseError).field).toBe("hasAccess");
    expect((error as Error).message).toContain("POST /api/permissions/{syncId}/check");
  });
});

describe("permissions.batchCheck", () => {
  const many: Record<string, string[]> = Object.fromEntries(
    Array.from({ length: 23 }, (_, i) => [id(100 + i), i % 3 === 0 ? ["ana@northwind.test"] : []]),
  );

  it("dedupes, batches, bounds concurrency and returns results in input order", async () => {
    const { handler, stats } = aclServer({ readers: many, batchDelayMs: 30 });
    const { client, server } = await clientFor(handler);
    const objects = Object.keys(many);
    // Every check twice, once per user spelling: duplicates must not be sent twice.
    const checks: AccessCheck[] = [
      ...objects.map((object) => ({ object, user: "ana@northwind.test", role: "can_read" as const })),
      ...objects.map((object) => ({ object, user: "user:ana@northwind.test", role: "can_read" as const })),
    ];
    const results = await client.permissions.batchCheck(SYNC, checks, { batchSize: 5, concurrency: 2 });
    expect(stats.batchSizes).toEqual([5, 5, 5, 5, 3]);
    expect(stats.maxInFlight).toBe(2);
    expect(results).toHaveLength(46);
    results.forEach((result, i) => {
      expect(result.object).toBe(checks[i]?.object);
      expect(result.user).toBe(checks[i]?.user);
      expect(result.allowed).toBe((i % 23) % 3 === 0);
      expect(result.error).toBeUndefined();
    });
    // batch-check gets `user:email`, as its documentation shows.
    const sent = (server.requests[0]?.json as { checks: { user: string }[] } | undefined)?.checks ?? [];
    expect(sent).toHaveLength(5);
    expect(sent.every((c) => c.user === "user:ana@northwind.test")).toBe(true);
  });

  it("answers an empty list without calling the server", async () => {
    const { handler } = aclServer({ readers });
    const { client, server } = await clientFor(handler);
    expect(await client.permissions.batchCheck(SYNC, [])).toEqual([]);
    expect(server.requests).toHaveLength(0);
  });

  it("matches echoes prefixed with file: even when results come back out of order", async () => {
    const { handler } = aclServer({ readers, echoPrefix: true, reverse: true });
    const { client } = await clientFor(handler);
    const results = await client.permissions.batchCheck(SYNC, [
      { object: id(1), user: "leo@northwind.test", role: "can_read" },
      { object: id(2), user: "ana@northwind.test", role: "can_read" },
      { object: id(3), user: "leo@northwind.test", role: "can_read" },
      { object: id(2), user: "leo@northwind.test", role: "can_read" },
    ]);
    expect(results.map((r) => r.allowed)).toEqual([true, false, false, true]);
  });

  it("keeps a per-item error distinct from a deny", async () => {
    const { handler } = aclServer({ readers, erroring: [id(2)] });
    const { client } = await clientFor(handler);
    const results = await client.permissions.batchCheck(SYNC, [
      { object: id(1), user: "leo@northwind.test", role: "can_read" },
      { object: id(2), user: "leo@northwind.test", role: "can_read" },
      { object: id(3), user: "leo@northwind.test", role: "can_read" },
    ]);
    expect(results[0]).toMatchObject({ allowed: true });
    expect(results[1]).toMatchObject({
      allowed: false,
      error: "permission graph unavailable for this object",
    });
    expect(results[2]).toEqual({
      object: id(3),
      user: "leo@northwind.test",
      role: "can_read",
      allowed: false,
    });
  });

  it("never guesses: an echo for another user is ignored and its check is denied with an error", async () => {
    const { client } = await clientFor((request, res) => {
      const checks = (request.json as { checks: AccessCheck[] }).checks;
      sendJson(res, 200, {
        result: [
          { allowed: true, request: { ...checks[0], user: "user:mallory@evil.test" } },
          { allowed: false, request: checks[1] },
        ],
      });
    });
    const results = await client.permissions.batchCheck(SYNC, [
      { object: id(1), user: "ana@northwind.test", role: "can_read" },
      { object: id(2), user: "ana@northwind.test", role: "can_read" },
    ]);
    expect(results[0]).toMatchObject({ allowed: false, error: expect.stringMatching(/no result/) });
    expect(results[1]).toMatchObject({ allowed: false });
    expect(results[1]?.error).toBeUndefined();
  });

  it("fails closed when the server answers the same check twice with conflicting results", async () => {
    const { client } = await clientFor((request, res) => {
      const checks = (request.json as { checks: AccessCheck[] }).checks;
      sendJson(res, 200, {
        result: [
          { allowed: true, request: checks[0] },
          { allowed: false, request: checks[0] },
        ],
      });
    });
    const [result] = await client.permissions.batchCheck(SYNC, [
      { object: id(1), user: "ana@northwind.test", role: "can_read" },
    ]);
    expect(result).toMatchObject({ allowed: false, error: expect.stringMatching(/conflicting/) });
  });

  it("falls back to position when the server echoes nothing and the counts agree", async () => {
    const { client } = await clientFor((_r, res) =>
      sendJson(res, 200, { result: [{ allowed: true }, { allowed: false, error: null }] }),
    );
    const results = await client.permissions.batchCheck(SYNC, [
      { object: id(1), user: "a@b.c", role: "can_read" },
      { object: id(2), user: "a@b.c", role: "can_read" },
    ]);
    expect(results.map((r) => r.allowed)).toEqual([true, false]);
  });

  it("fails closed on an error even when the item also says allowed", async () => {
    const { client } = await clientFor((request, res) => {
      const checks = (request.json as { checks: AccessCheck[] }).checks;
      sendJson(res, 200, { result: [{ allowed: true, request: checks[0], error: "stale graph" }] });
    });
    const [result] = await client.permissions.batchCheck(SYNC, [
      { object: id(1), user: "a@b.c", role: "can_read" },
    ]);
    expect(result).toMatchObject({ allowed: false, error: "stale graph" });
  });

  it("retries a 503 batch and fails the whole call when a batch keeps failing", async () => {
    const { handler, stats } = aclServer({ readers });
    const unavailable: Handler = (_r, res) => sendJson(res, 503, { message: "busy" });
    const flaky = await clientFor(withFaults(handler, { 0: unavailable }));
    const checks: AccessCheck[] = [{ object: id(1), user: "ana@northwind.test", role: "can_read" }];
    expect((await flaky.client.permissions.batchCheck(SYNC, checks))[0]?.allowed).toBe(true);
    expect(stats.batchSizes).toEqual([1]);
    await flaky.server.close();

    const down = await clientFor(unavailable, { retry: { retries: 1, baseDelayMs: 1 } });
    const error = await down.client.permissions.batchCheck(SYNC, checks).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ManagedSyncHttpError);
    expect((error as ManagedSyncHttpError).endpoint).toBe("POST /api/permissions/{syncId}/batch-check");
  });

  it("rejects a result with neither allowed nor error, naming the field", async () => {
    const { client } = await clientFor((_r, res) =>
      sendJson(res, 200, { result: [{ request: { object: id(1) } }] }),
    );
    const error = await client.permissions
      .batchCheck(SYNC, [{ object: id(1), user: "a@b.c", role: "can_read" }])
      .catch((e: unknown) => e);
    expect((error as ManagedSyncResponseError).field).toBe("result[0].allowed");
  });
});

describe("permissions.listUsers / listObjects", () => {
  const big: Record<string, string[]> = Object.fromEntries(
    Array.from({ length: 12 }, (_, i) => [id(200 + i), ["ana@northwind.test"]]),
  );

  it("reports truncated when the result reaches the server's cap", async () => {
    const { handler } = aclServer({ readers: big, cap: 10 });
    const { client } = await clientFor(handler, { listObjectsCap: 10 });
    const listed = await client.permissions.listObjects(SYNC, {
      user: "user:ana@northwind.test",
      role: "can_read",
      objectType: "file",
    });
    expect(listed.objects).toHaveLength(10);
    expect(listed.truncated).toBe(true);
  });

  it("reports a result under the cap as complete", async () => {
    const { handler } = aclServer({ readers: big, cap: 1000 });
    const { client, server } = await clientFor(handler);
    const listed = await client.permissions.listObjects(SYNC, {
      user: "ana@northwind.test",
      role: "can_read",
      objectType: "file",
    });
    expect(listed).toEqual({ objects: Object.keys(big), truncated: false });
    expect(server.requests[0]?.json).toEqual({
      objectType: "file",
      user: "ana@northwind.test",
      role: "can_read",
    });
  });

  it("lists users as plain emails and flags a capped list", async () => {
    const { handler } = aclServer({ readers });
    const { client } = await clientFor(handler, { listUsersCap: 2 });
    expect(await client.permissions.listUsers(SYNC, { object: id(1), role: "can_read" })).toEqual({
      users: ["ana@northwind.test", "leo@northwind.test"],
      truncated: true,
    });
    expect(await client.permissions.listUsers(SYNC, { object: id(2), role: "can_read" })).toEqual({
      users: ["leo@northwind.test"],
      truncated: false,
    });
  });
});

describe("permissions.streamListObjects", () => {
  const many: Record<string, string[]> = Object.fromEntries(
    Array.from({ length: 1500 }, (_, i) => [`obj-${i}-ü`, ["ana@northwind.test"]]),
  );

  it("yields every object of an NDJSON stream split at arbitrary byte boundaries", async () => {
    const { handler } = aclServer({ readers: many, streamChunkSizes: [1, 3, 17, 2, 64, 5] });
    const { client, server } = await clientFor(handler);
    const seen: string[] = [];
    await streamInto(client, "ana@northwind.test", "file", seen);
    expect(seen).toEqual(Object.keys(many));
    expect(server.requests[0]?.headers.accept).toBe("application/x-ndjson");
  });

  it("in batches, yields the same ids in the same order", async () => {
    const { handler } = aclServer({ readers: many, streamChunkSizes: [1, 3, 17, 2, 64, 5] });
    const { client } = await clientFor(handler);
    const batches: string[][] = [];
    for await (const batch of client.permissions.streamListObjectBatches(SYNC, {
      user: "ana@northwind.test",
      role: "can_read",
      objectType: "file",
    })) {
      batches.push(batch);
    }
    expect(batches.flat()).toEqual(Object.keys(many));
    expect(batches.length).toBeLessThan(Object.keys(many).length);
  });

  it("reads every line as JSON.parse would, whether or not it has anything to unescape", async () => {
    // Ids with quotes, backslashes, control characters and any Unicode take the full parse; the
    // rest are read from the text. Both shapes (Paragon's and OpenFGA's), prefixed or not.
    let lines: string[] = [];
    const { client } = await clientFor((_r, res) => {
      res.writeHead(200, { "content-type": "application/x-ndjson" });
      res.end(`${lines.join("\n")}\n`);
    });
    await fc.assert(
      fc.asyncProperty(
        fc.array(
          fc.record({
            id: fc.oneof(
              fc.string({ unit: "grapheme", minLength: 1 }),
              fc.stringMatching(/^[A-Za-z0-9_-]{1,20}$/),
              fc.string({ unit: "binary", minLength: 1, maxLength: 8 }),
            ),
            shape: fc.constantFrom("object", "result"),
            prefixed: fc.boolean(),
          }),
          { minLength: 1, maxLength: 20 },
        ),
        async (items) => {
          lines = items.map(({ id, shape, prefixed }) => {
            const object = prefixed ? `file:${id}` : id;
            return JSON.stringify(shape === "object" ? { object } : { result: { object } });
          });
          const seen: string[] = [];
          await streamInto(client, "a@b.c", "file", seen);
          const expected = lines.map((line) => {
            const json = JSON.parse(line) as { object?: string; result?: { object: string } };
            const object = json.object ?? json.result!.object;
            return object.replace(/^(file|folder):/, "");
          });
          expect(seen).toEqual(expected);
        },
      ),
      { numRuns: 150 },
    );
  });

  it("raises an error naming the line when a line is not valid", async () => {
    const { client } = await clientFor((_r, res) => {
      res.writeHead(200, { "content-type": "application/x-ndjson" });
      res.end('{"object":"a"}\n{"object":"b"}\n{"objects":["c"]}\n');
    });
    const seen: string[] = [];
    const error = await streamInto(client, "a@b.c", "folder", seen).catch((e: unknown) => e);
    expect(seen).toEqual(["a", "b"]);
    expect(error).toBeInstanceOf(ManagedSyncResponseError);
    expect((error as Error).message).toContain("streamed-list-objects line 3");
  });

  it("raises BODY_INCOMPLETE when the stream is cut off", async () => {
    const body = Array.from({ length: 100 }, (_, i) => JSON.stringify({ object: `o${i}` })).join("\n");
    const { client } = await clientFor((_r, res) => sendCutOff(res, 200, body, 500, "application/x-ndjson"));
    const error = await (async () => {
      for await (const _ of client.permissions.streamListObjects(SYNC, {
        user: "a@b.c",
        role: "can_read",
        objectType: "file",
      })) {
        // consume
      }
    })().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BodyIncompleteError);
  });
});

describe("permissions.expand", () => {
  const tree = {
    tree: {
      root: {
        name: "file:x#can_read",
        union: {
          nodes: [
            { name: "file:x#viewer", leaf: { users: { users: ["user:ana@northwind.test"] } } },
            { name: "file:x#can_read", leaf: { computed: { userset: "file:x#editor" } } },
            {
              name: "file:x#can_read",
              leaf: {
                tupleToUserset: { tupleset: "file:x#parent", computed: [{ userset: "folder:f#can_read" }] },
              },
            },
          ],
        },
      },
    },
  };

  it("returns the validated tree", async () => {
    const { client, server } = await clientFor((_r, res) => sendJson(res, 200, tree));
    const expanded = await client.permissions.expand(SYNC, { object: "x", relation: "can_read" });
    expect(expanded.tree.root.union?.nodes).toHaveLength(3);
    expect(server.requests[0]?.json).toEqual({ object: "x", relation: "can_read" });
  });

  it("rejects a malformed nested node, naming its path", async () => {
    const broken = structuredClone(tree);
    (broken.tree.root.union.nodes[0] as { leaf: unknown }).leaf = { users: { users: "ana" } };
    const { client } = await clientFor((_r, res) => sendJson(res, 200, broken));
    const error = await client.permissions.expand(SYNC, { object: "x" }).catch((e: unknown) => e);
    expect((error as ManagedSyncResponseError).field).toBe("tree.root.union.nodes[0].leaf.users.users");
  });
});
