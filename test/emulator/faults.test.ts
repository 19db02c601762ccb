import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Emulator, FaultInjector, startEmulator } from "../../src/emulator/index.js";
import { admin, call, smallCorpus, syncOf } from "./helpers.js";

describe("FaultInjector", () => {
  it("injects each kind at its configured rate, the same sequence for the same seed", () => {
    const draws = (seed: number) => {
      const faults = new FaultInjector({ rate429: 0.1, rate503: 0.2, rateSlow: 0.05, rateCut: 0.15, seed });
      return Array.from({ length: 10_000 }, () => faults.draw("/api/syncs/x/records") ?? "none");
    };
    const a = draws(7);
    expect(draws(7)).toEqual(a);
    expect(draws(8)).not.toEqual(a);
    const share = (kind: string) => a.filter((k) => k === kind).length / a.length;
    expect(share("429")).toBeCloseTo(0.1, 1);
    expect(share("503")).toBeCloseTo(0.2, 1);
    expect(share("slow")).toBeCloseTo(0.05, 1);
    expect(share("cut")).toBeCloseTo(0.15, 1);
    expect(share("none")).toBeCloseTo(0.5, 1);
  });

  it("faults only paths matching pathPattern, and refuses rates adding up past 1", () => {
    const faults = new FaultInjector({ rate503: 1, pathPattern: "/content$" });
    expect(faults.draw("/api/syncs/s/records")).toBeUndefined();
    expect(faults.draw("/api/syncs/s/records/r/content")).toBe("503");
    expect(() => new FaultInjector({ rate429: 0.6, rate503: 0.6 })).toThrow(/at most 1/);
    expect(() => new FaultInjector({ rateCut: 0.1, pathPattern: "(" })).toThrow(/pathPattern/);
  });
});

describe("fault injection over HTTP", () => {
  let emu: Emulator;
  let token: string;
  let syncId: string;

  beforeAll(async () => {
    emu = await startEmulator({ corpus: smallCorpus() });
    token = await emu.tokenFor("northwind");
    syncId = syncOf(emu, "northwind");
  });
  afterAll(() => emu.close());

  it("is off by default", async () => {
    for (let i = 0; i < 20; i++) expect((await call(emu, token, "/api/syncs")).status).toBe(200);
  });

  it("answers 429 with Retry-After at the configured rate", async () => {
    await admin(emu, "/faults", {
      method: "PUT",
      body: JSON.stringify({ rate429: 0.3, retryAfterSeconds: 7, seed: 3 }),
    });
    const statuses: number[] = [];
    for (let i = 0; i < 200; i++) {
      const res = await call(emu, token, "/api/syncs");
      statuses.push(res.status);
      if (res.status === 429) {
        expect(res.headers.get("retry-after")).toBe("7");
        expect(res.body.code).toBe("RATE_LIMITED");
      }
    }
    const limited = statuses.filter((s) => s === 429).length;
    expect(limited).toBe(emu.faults.counts["429"]);
    expect(limited).toBeGreaterThan(40);
    expect(limited).toBeLessThan(80);
    expect(statuses.filter((s) => s !== 429 && s !== 200)).toEqual([]);
  });

  it("answers 503 at the configured rate, the same requests for the same seed", async () => {
    const run = async () => {
      await admin(emu, "/faults", { method: "PUT", body: JSON.stringify({ rate503: 0.25, seed: 11 }) });
      const statuses: number[] = [];
      for (let i = 0; i < 100; i++) statuses.push((await call(emu, token, "/api/syncs")).status);
      return statuses;
    };
    const first = await run();
    expect(await run()).toEqual(first);
    const unavailable = first.filter((s) => s === 503).length;
    expect(unavailable).toBeGreaterThan(12);
    expect(unavailable).toBeLessThan(40);
  });

  it("delays slow requests, which then succeed", async () => {
    await admin(emu, "/faults", { method: "PUT", body: JSON.stringify({ rateSlow: 1, slowMs: 150 }) });
    const res = await call(emu, token, "/api/syncs");
    expect(res.status).toBe(200);
    expect(emu.faults.counts.slow).toBe(1);
    // a client that gives up first sees its own timeout
    await expect(
      fetch(`${emu.url}/api/syncs`, {
        headers: { Authorization: `Bearer ${token}` },
        signal: AbortSignal.timeout(20),
      }),
    ).rejects.toThrow();
  });

  it("cuts responses off mid-body: headers arrive, the body read fails", async () => {
    await admin(emu, "/faults", {
      method: "PUT",
      body: JSON.stringify({ rateCut: 1, pathPattern: "/records$" }),
    });
    const response = await fetch(`${emu.url}/api/syncs/${syncId}/records`, {
      headers: { Authorization: `Bearer ${token}` },
    });
    expect(response.status).toBe(200);
    const declared = Number(response.headers.get("content-length"));
    expect(declared).toBeGreaterThan(100);
    await expect(response.text()).rejects.toThrow();
    // paths outside the pattern are untouched
    expect((await call(emu, token, "/api/syncs")).status).toBe(200);
    expect(emu.faults.counts.cut).toBe(1);
  });

  it("mixes every kind at its rate over real HTTP, each observed as the client sees it", async () => {
    await admin(emu, "/faults", {
      method: "PUT",
      body: JSON.stringify({
        rate429: 0.15,
        rate503: 0.15,
        rateSlow: 0.15,
        slowMs: 5,
        rateCut: 0.15,
        seed: 42,
      }),
    });
    const seen = { "429": 0, "503": 0, cut: 0, ok: 0 };
    const total = 200;
    for (let i = 0; i < total; i++) {
      const response = await fetch(`${emu.url}/api/syncs/${syncId}/records?pageSize=5`, {
        headers: { Authorization: `Bearer ${token}` },
      });
      if (response.status === 429 || response.status === 503) {
        seen[String(response.status) as "429" | "503"]++;
        await response.arrayBuffer();
        continue;
      }
      try {
        JSON.parse(await response.text());
        seen.ok++;
      } catch {
        seen.cut++;
      }
    }
    const counts = emu.faults.counts;
    expect(seen).toEqual({
      "429": counts["429"],
      "503": counts["503"],
      cut: counts.cut,
      ok: total - counts["429"] - counts["503"] - counts.cut,
    });
    for (const kind of ["429", "503", "slow", "cut"] as const) {
      expect(counts[kind], kind).toBeGreaterThan(total * 0.15 * 0.5);
      expect(counts[kind], kind).toBeLessThan(total * 0.15 * 1.6);
    }
  });

  it("never faults the admin API, and DELETE /__admin/faults turns faults off", async () => {
    await admin(emu, "/faults", { method: "PUT", body: JSON.stringify({ rate503: 1 }) });
    for (let i = 0; i < 10; i++) expect((await admin(emu, "/state")).status).toBe(200);
    expect((await call(emu, token, "/api/syncs")).status).toBe(503);
    expect((await admin(emu, "/faults", { method: "DELETE" })).status).toBe(200);
    expect((await call(emu, token, "/api/syncs")).status).toBe(200);
  });

  it("refuses a bad fault config with 400", async () => {
    const res = await admin(emu, "/faults", { method: "PUT", body: JSON.stringify({ rate429: 2 }) });
    expect(res.status).toBe(400);
    expect(res.body.message).toMatch(/rate429/);
  });
});

describe("faults from the start", () => {
  it("are applied from startEmulator options", async () => {
    const emu = await startEmulator({
      corpus: smallCorpus(),
      faults: { rate503: 1, pathPattern: "^/api/syncs$" },
    });
    try {
      const token = await emu.tokenFor("northwind");
      expect((await call(emu, token, "/api/syncs")).status).toBe(503);
      expect((await call(emu, token, `/api/syncs/${syncOf(emu, "northwind")}`)).status).toBe(200);
    } finally {
      await emu.close();
    }
  });
});
