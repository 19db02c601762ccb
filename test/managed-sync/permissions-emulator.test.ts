// The Managed Sync client's Permissions API against the real emulator on the example corpus
// (examples/corpus, tenant northwind). questions.yaml is the ground truth for who may read which
// file; the sweep asks check, batch-check, list-objects and the streamed list about every case.
import { readFile } from "node:fs/promises";
import pLimit from "p-limit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parse } from "yaml";
import { permissionsOf } from "../../src/emulator/authz/index.js";
import { type Emulator, manifestCompanies, parseManifest, startEmulator } from "../../src/emulator/index.js";
import { ManagedSyncClient, type ManagedSyncClientOptions } from "../../src/managed-sync/index.js";

const CORPUS = "examples/corpus";
type Role = "can_read" | "can_write" | "is_owner";

interface Questions {
  questions: {
    tenant: string;
    file: string;
    canSee: string[];
    cannotSee: string[];
    nearMisses?: { file: string; readers: string[] }[];
  }[];
  accessCases: {
    id: string;
    tenant: string;
    file: string;
    relation: Role;
    allowed: string[];
    denied: string[];
  }[];
}

/** One expected decision: may `user` have `role` on the file at `path` ("<sync root>/<path>")? */
interface Expectation {
  path: string;
  user: string;
  role: Role;
  allowed: boolean;
}

/** Every decision questions.yaml states, deduplicated (a contradiction fails the test setup). */
function expectations(questions: Questions, people: string[]): Expectation[] {
  const byKey = new Map<string, Expectation>();
  const add = (path: string, user: string, role: Role, allowed: boolean) => {
    const key = `${path}\u0000${user}\u0000${role}`;
    const earlier = byKey.get(key);
    if (earlier && earlier.allowed !== allowed)
      throw new Error(`questions.yaml contradicts itself on ${key}`);
    byKey.set(key, { path, user, role, allowed });
  };
  for (const q of questions.questions) {
    for (const user of q.canSee) add(q.file, user, "can_read", true);
    for (const user of q.cannotSee) add(q.file, user, "can_read", false);
    for (const near of q.nearMisses ?? []) {
      // A near miss lists all its readers among the people.
      for (const user of people) add(near.file, user, "can_read", near.readers.includes(user));
    }
  }
  for (const c of questions.accessCases) {
    for (const user of c.allowed) add(c.file, user, c.relation, true);
    for (const user of c.denied) add(c.file, user, c.relation, false);
  }
  return [...byKey.values()];
}

interface Corpus {
  emu: Emulator;
  client: ManagedSyncClient;
  /** Record and sync of a file, by "<sync root>/<path>". */
  files: Map<string, { id: string; syncId: string }>;
  syncIds: string[];
  people: string[];
  expected: Expectation[];
  admin(method: string, path: string, body?: unknown): Promise<unknown>;
  file(path: string): { id: string; syncId: string };
  close(): Promise<void>;
}

async function startCorpus(options: Partial<ManagedSyncClientOptions> = {}): Promise<Corpus> {
  const emu = await startEmulator({ corpusDir: CORPUS });
  const admin = async (method: string, path: string, body?: unknown) => {
    const response = await fetch(`${emu.url}/__admin${path}`, {
      method,
      headers: { Authorization: `Bearer ${emu.adminToken}`, "Content-Type": "application/json" },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    if (!response.ok) throw new Error(`admin ${method} ${path}: ${response.status} ${await response.text()}`);
    return response.json();
  };
  const manifest = parseManifest(parse(await readFile(`${CORPUS}/manifest.yaml`, "utf8")));
  const all = parse(await readFile(`${CORPUS}/questions.yaml`, "utf8")) as Questions;
  // This sweep is about Northwind's syncs; the other company's questions are checked in test/corpus.
  // Questions answered by a CRM or ticket record (`<records file>#<id>`) follow record policies, not the
  // Permissions API: the demo test covers them.
  const questions: Questions = {
    questions: all.questions.filter((q) => q.tenant === "northwind" && !q.file.includes("#")),
    accessCases: all.accessCases.filter((a) => a.tenant === "northwind"),
  };
  const tenant = manifestCompanies(manifest).find((u) => u.tenant === "northwind");
  if (!tenant) throw new Error("the corpus has no northwind tenant");
  const client = new ManagedSyncClient({
    baseUrl: emu.url,
    auth: { token: await emu.tokenFor("northwind") },
    retry: { retries: 2, baseDelayMs: 1, maxDelayMs: 5 },
    ...options,
  });
  const syncs = await client.syncs.list();
  const files = new Map<string, { id: string; syncId: string }>();
  for (const { integration, root } of tenant.syncs) {
    if (root === undefined) continue; // a CRM or ticketing sync: records, no files
    const sync = syncs.find((s) => s.integration === integration);
    if (!sync) throw new Error(`no ${integration} sync`);
    const nodes = (await admin("GET", `/syncs/${sync.id}/nodes`)) as {
      data: { id: string; path: string; type: string }[];
    };
    for (const node of nodes.data) {
      if (node.type === "file") files.set(`${root}/${node.path}`, { id: node.id, syncId: sync.id });
    }
  }
  // it-admin owns the sync roots (and so everything); questions.yaml is about the people.
  const people = tenant.people.map((p) => p.email).filter((email) => !email.startsWith("it-admin@"));
  return {
    emu,
    client,
    files,
    syncIds: syncs.map((s) => s.id),
    people,
    expected: expectations(questions, people),
    admin,
    file(path) {
      const found = files.get(path);
      if (!found) throw new Error(`no file ${path} in the corpus`);
      return found;
    },
    close: () => emu.close(),
  };
}

describe("the client's Permissions API on the example corpus: questions.yaml as ground truth", () => {
  let c: Corpus;

  beforeAll(async () => {
    c = await startCorpus();
  });
  afterAll(async () => {
    await c?.close();
  });

  it("has a sweep worth the name", () => {
    expect(c.expected.length).toBeGreaterThan(200);
    expect(new Set(c.expected.map((e) => e.role))).toEqual(new Set(["can_read", "can_write", "is_owner"]));
    expect(new Set(c.expected.map((e) => c.file(e.path).syncId)).size).toBe(2);
  });

  it("check agrees with every stated decision", async () => {
    const wrong: string[] = [];
    const limit = pLimit(16);
    await Promise.all(
      c.expected.map((e) =>
        limit(async () => {
          const { id, syncId } = c.file(e.path);
          const allowed = await c.client.permissions.check(syncId, {
            object: id,
            user: e.user,
            role: e.role,
          });
          if (allowed !== e.allowed) wrong.push(`${e.user} ${e.role} ${e.path}: got ${allowed}`);
        }),
      ),
    );
    expect(wrong).toEqual([]);
  });

  it("batch-check agrees too, with user:email as the batch-check docs show", async () => {
    for (const syncId of c.syncIds) {
      const mine = c.expected.filter((e) => c.file(e.path).syncId === syncId);
      const results = await c.client.permissions.batchCheck(
        syncId,
        mine.map((e) => ({ object: c.file(e.path).id, user: e.user, role: e.role })),
        { batchSize: 40 },
      );
      expect(results.map((r) => r.error)).toEqual(mine.map(() => undefined));
      expect(results.map((r) => r.allowed)).toEqual(mine.map((e) => e.allowed));
    }
  });

  it("list-objects and the streamed list hold exactly the readable files of each person", async () => {
    for (const user of c.people) {
      for (const syncId of c.syncIds) {
        const listed = await c.client.permissions.listObjects(syncId, {
          user,
          role: "can_read",
          objectType: "file",
        });
        expect(listed.truncated).toBe(false);
        const streamed: string[] = [];
        for await (const id of c.client.permissions.streamListObjects(syncId, {
          user,
          role: "can_read",
          objectType: "file",
        })) {
          streamed.push(id);
        }
        expect(new Set(streamed)).toEqual(new Set(listed.objects));
        expect(streamed).toHaveLength(listed.objects.length);
        const readable = new Set(listed.objects);
        for (const e of c.expected) {
          if (e.user !== user || e.role !== "can_read" || c.file(e.path).syncId !== syncId) continue;
          expect(readable.has(c.file(e.path).id), `${user} ${e.path}`).toBe(e.allowed);
        }
      }
    }
  });

  it("list-users names the readers of a question's file, plus the admin who owns the roots", async () => {
    const { id, syncId } = c.file("drive/HR/Compensation/Compensation bands 2026.pdf");
    const { users, truncated } = await c.client.permissions.listUsers(syncId, {
      object: id,
      role: "can_read",
    });
    expect(truncated).toBe(false);
    expect(users).toEqual(["hana@northwind.test", "it-admin@northwind.test", "maya@northwind.test"]);
  });

  it("nested groups, a grant three folders up, the domain, public and anyone-with-link", async () => {
    const can = (path: string, user: string, role: Role = "can_read") =>
      c.client.permissions.check(c.file(path).syncId, { object: c.file(path).id, user, role });
    // Ana is only in platform, which is a member of engineering, which Engineering/ grants.
    expect(await can("drive/Engineering/Architecture/Architecture overview.md", "ana@northwind.test")).toBe(
      true,
    );
    // Sam's access comes from drive/Engineering/, three folders above the file.
    expect(
      await can("drive/Engineering/Platform/Runbooks/Deploy to production.md", "sam@northwind.test"),
    ).toBe(true);
    expect(
      await can("drive/Engineering/Platform/Runbooks/Deploy to production.md", "chloe@northwind.test"),
    ).toBe(false);
    // Domain-wide through HR/Policies/; the contractor is outside the domain.
    expect(await can("drive/HR/Policies/Code of conduct.pdf", "priya@northwind.test")).toBe(true);
    expect(await can("drive/HR/Policies/Code of conduct.pdf", "guest@partner.test")).toBe(false);
    // Public reaches the contractor; someone the project does not know reads nothing.
    expect(await can("drive/Company/Press kit/Northwind boilerplate.md", "guest@partner.test")).toBe(true);
    expect(await can("drive/Company/Press kit/Northwind boilerplate.md", "nobody@elsewhere.test")).toBe(
      false,
    );

    // Anyone with the link: not discoverable, so only people with another grant list it.
    const link = c.file("drive/Sales/Collateral/Beacon product one-pager.pdf");
    const list = async (user: string) =>
      (await c.client.permissions.listObjects(link.syncId, { user, role: "can_read", objectType: "file" }))
        .objects;
    expect(await list("hana@northwind.test")).not.toContain(link.id);
    expect(await list("guest@partner.test")).not.toContain(link.id);
    expect(await list("chloe@northwind.test")).toContain(link.id);
  });

  it("expand returns the OpenFGA tree the client validates", async () => {
    const { id, syncId } = c.file("drive/Finance/Budget 2026.csv");
    const expanded = await c.client.permissions.expand(syncId, { object: id });
    expect(expanded.tree.root.name).toBe(`file:${id}#can_read`);
    const reader = await c.client.permissions.expand(syncId, { object: id, relation: "reader" });
    expect(reader.tree.root.leaf?.users?.users).toEqual(["group:leadership#member"]);
  });
});

describe("changes through the admin API, seen by the client's very next request", () => {
  let c: Corpus;

  beforeAll(async () => {
    c = await startCorpus();
  });
  afterAll(async () => {
    await c?.close();
  });

  it("a revoked grant is gone from check, batch-check and list-objects at once", async () => {
    const path = "drive/Engineering/Security/Pentest 2026 scope.md";
    const { id, syncId } = c.file(path);
    const guest = "guest@partner.test";
    const ask = { object: id, user: guest, role: "can_read" as const };
    expect(await c.client.permissions.check(syncId, ask)).toBe(true);

    await c.admin("POST", `/syncs/${syncId}/unshare`, {
      path: path.slice("drive/".length),
      principal: { user: guest },
    });
    expect(await c.client.permissions.check(syncId, ask)).toBe(false);
    expect((await c.client.permissions.batchCheck(syncId, [ask]))[0]).toMatchObject({ allowed: false });
    const listed = await c.client.permissions.listObjects(syncId, {
      user: guest,
      role: "can_read",
      objectType: "file",
    });
    expect(listed.objects).not.toContain(id);

    await c.admin("POST", `/syncs/${syncId}/share`, {
      path: path.slice("drive/".length),
      grant: { user: guest, role: "reader" },
    });
    expect(await c.client.permissions.check(syncId, ask)).toBe(true);
  });

  it("a group membership removal is seen by the next request", async () => {
    const { id, syncId } = c.file("drive/Engineering/Architecture/Architecture overview.md");
    const ask = { object: id, user: "ana@northwind.test", role: "can_read" as const };
    expect(await c.client.permissions.check(syncId, ask)).toBe(true);
    await c.admin("DELETE", "/groups/platform/members/ana@northwind.test");
    expect(await c.client.permissions.check(syncId, ask)).toBe(false);
    const users = await c.client.permissions.listUsers(syncId, { object: id, role: "can_read" });
    expect(users.users).not.toContain("ana@northwind.test");
    await c.admin("POST", "/groups/platform/members", { member: "ana@northwind.test" });
    expect(await c.client.permissions.check(syncId, ask)).toBe(true);
  });

  it("moving a file out of a shared folder takes away what the folder gave", async () => {
    const { id, syncId } = c.file("drive/Engineering/RFCs/RFC-017 Webhooks v2.md");
    const ask = { object: id, user: "priya@northwind.test", role: "can_read" as const };
    expect(await c.client.permissions.check(syncId, ask)).toBe(true);
    await c.admin("POST", `/syncs/${syncId}/move`, {
      from: "Engineering/RFCs/RFC-017 Webhooks v2.md",
      to: "Private - Leo Park/RFC-017 Webhooks v2.md",
    });
    expect(await c.client.permissions.check(syncId, ask)).toBe(false);
    expect(await c.client.permissions.check(syncId, { ...ask, user: "leo@northwind.test" })).toBe(true);
  });
});

describe("list-objects at the server's cap", () => {
  let c: Corpus;

  beforeAll(async () => {
    c = await startCorpus({ listObjectsCap: 5 });
  });
  afterAll(async () => {
    await c?.close();
  });

  it("the client reports truncation when the emulator cuts the list; the streamed list has it all", async () => {
    permissionsOf(c.emu.state).limits.listObjects = 5;
    const syncId = c.file("drive/Company/Org chart.csv").syncId;
    const input = { user: "maya@northwind.test", role: "can_read" as const, objectType: "file" as const };
    const listed = await c.client.permissions.listObjects(syncId, input);
    expect(listed.objects).toHaveLength(5);
    expect(listed.truncated).toBe(true);
    const streamed: string[] = [];
    for await (const id of c.client.permissions.streamListObjects(syncId, input)) streamed.push(id);
    expect(streamed.length).toBeGreaterThan(5);
    for (const id of listed.objects) expect(streamed).toContain(id);
  });
});
