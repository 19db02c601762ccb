/**
 * Authorization-engine benchmark on a Drive-like graph: folders 5 levels deep, nested groups
 * (a 4-ary tree), a workspace domain, owners, group/domain/user grants, a few public and link-only
 * files. Measures check and list-objects latency (p50/p99) at ~10k and ~100k tuples, and
 * list-objects for a user who can read 10k+ files (a deep member of the group the biggest top
 * folder is shared with). Prints a table with the targets.
 *
 *   npx tsx bench/authz.ts
 *   npx tsx bench/authz.ts --tuples 100000   # one size
 */
import { performance } from "node:perf_hooks";
import { AuthzEngine, type DriveGraph, driveTuples, driveUser, loadDriveModel } from "../src/authz/index.js";
import { seededRandom } from "../src/emulator/index.js";

const CHECK_TARGET_P99_MS = 1;
const LIST_10K_TARGET_MS = 50;

interface Scenario {
  graph: DriveGraph;
  people: string[];
  files: string[];
  heavyReader: string;
}

function driveLike(targetTuples: number): Scenario {
  const random = seededRandom(targetTuples);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)] as T;
  const big = targetTuples >= 50_000;
  const peopleCount = big ? 3000 : 300;
  const groupCount = big ? 200 : 30;
  const branching = big ? 4 : 3;

  const people = Array.from({ length: peopleCount }, (_, i) =>
    i % 10 === 9 ? `ext${i}@partner.test` : `p${i}@corp.test`,
  );
  // Groups form a 4-ary tree: g(i) is a member of g((i-1)/4), so g0 contains every group.
  const groups = Array.from({ length: groupCount }, (_, i) => ({
    id: `g${i}`,
    members: [
      ...Array.from({ length: 8 }, () => pick(people)),
      ...Array.from({ length: 4 }, (_, k) => 4 * i + k + 1)
        .filter((child) => child < groupCount)
        .map((child) => `group:g${child}`),
    ],
  }));
  const heavyReader = groups[groupCount - 1]?.members[0] as string;

  const nodes: DriveGraph["nodes"] = [];
  const levels: string[][] = [];
  for (let depth = 0; depth < 5; depth++) {
    const level: string[] = [];
    const parents = depth === 0 ? [undefined] : (levels[depth - 1] as string[]);
    for (const parentId of parents) {
      for (let b = 0; b < (depth === 0 ? 4 : branching); b++) {
        const id = `d${depth}-${level.length}`;
        const grants: NonNullable<DriveGraph["nodes"][number]["grants"]> = [];
        if (random() < 0.3)
          grants.push({
            group: `g${1 + Math.floor(random() * (groupCount - 1))}`,
            role: random() < 0.5 ? "writer" : "reader",
          });
        if (random() < 0.03) grants.push({ domain: "corp.test", role: "reader" });
        nodes.push({ id, type: "folder", parentId, owner: pick(people), grants });
        level.push(id);
      }
    }
    levels.push(level);
  }
  // The first top folder is shared with the all-staff group, so its subtree is widely readable.
  const top = nodes[0] as { grants: unknown[] };
  top.grants.push({ group: "g0", role: "reader" });

  const folders = levels.flat();
  const deep = [...(levels[3] as string[]), ...(levels[4] as string[])];
  const files: string[] = [];
  const base = driveTuples({ domain: "corp.test", people, groups, nodes }).length;
  for (let count = base; count < targetTuples; ) {
    const id = `f${files.length}`;
    const grants: NonNullable<DriveGraph["nodes"][number]["grants"]> = [];
    const roll = random();
    if (roll < 0.1) grants.push({ user: pick(people), role: "reader" });
    else if (roll < 0.11) grants.push({ anyone: "public", role: "reader" });
    else if (roll < 0.12) grants.push({ anyone: "link", role: "reader" });
    nodes.push({
      id,
      type: "file",
      parentId: random() < 0.8 ? pick(deep) : pick(folders),
      owner: pick(people),
      grants,
    });
    files.push(`file:${id}`);
    count += 2 + grants.length;
  }
  return { graph: { domain: "corp.test", people, groups, nodes }, people, files, heavyReader };
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] as number;
}

function measure(runs: number, run: (i: number) => void): { p50: number; p99: number } {
  for (let i = 0; i < Math.min(200, runs); i++) run(i); // warm-up
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const start = performance.now();
    run(i);
    times.push(performance.now() - start);
  }
  times.sort((a, b) => a - b);
  return { p50: percentile(times, 50), p99: percentile(times, 99) };
}

interface Row {
  scenario: string;
  tuples: number;
  runs: number;
  p50: number;
  p99: number;
  target: string;
  note: string;
}

function bench(targetTuples: number): Row[] {
  const scenario = driveLike(targetTuples);
  const engine = new AuthzEngine(loadDriveModel());
  const buildStart = performance.now();
  engine.write(driveTuples(scenario.graph));
  const loadMs = performance.now() - buildStart;
  const tuples = engine.store.size;
  const random = seededRandom(7);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)] as T;
  const rows: Row[] = [];

  const checks = Array.from({ length: 20_000 }, () => ({
    user: driveUser(pick(scenario.people)),
    object: pick(scenario.files),
  }));
  let allowed = 0;
  const check = measure(checks.length, (i) => {
    const { user, object } = checks[i] as { user: string; object: string };
    if (engine.check({ user, relation: "can_read", object }).allowed) allowed++;
  });
  rows.push({
    scenario: "check can_read (random user × file)",
    tuples,
    runs: checks.length,
    ...check,
    target: `p99 < ${CHECK_TARGET_P99_MS} ms`,
    note: `${Math.round((100 * allowed) / (checks.length + 200))}% allowed; load ${loadMs.toFixed(0)} ms`,
  });

  const heavy = driveUser(scenario.heavyReader);
  const deniedChecks = Array.from({ length: 20_000 }, () => pick(scenario.files));
  const heavyCheck = measure(deniedChecks.length, (i) => {
    engine.check({ user: heavy, relation: "can_write", object: deniedChecks[i] as string });
  });
  rows.push({
    scenario: "check can_write (deep group member, mostly denied)",
    tuples,
    runs: deniedChecks.length,
    ...heavyCheck,
    target: `p99 < ${CHECK_TARGET_P99_MS} ms`,
    note: "walks 5 folder levels + nested groups",
  });

  const listUsers = Array.from({ length: 300 }, () => driveUser(pick(scenario.people)));
  let listed = 0;
  const list = measure(listUsers.length, (i) => {
    listed += engine.listObjects({ user: listUsers[i] as string, relation: "can_read", type: "file" }).objects
      .length;
  });
  rows.push({
    scenario: "list-objects can_read file (random user)",
    tuples,
    runs: listUsers.length,
    ...list,
    target: "",
    note: `avg ${Math.round(listed / (listUsers.length + 200))} objects`,
  });

  const readable = engine.listObjects({ user: heavy, relation: "can_read", type: "file" }).objects.length;
  const heavyList = measure(30, () => {
    engine.listObjects({ user: heavy, relation: "can_read", type: "file" });
  });
  rows.push({
    scenario: "list-objects can_read file (heavy reader)",
    tuples,
    runs: 30,
    ...heavyList,
    target: readable >= 10_000 ? `< ${LIST_10K_TARGET_MS} ms` : "",
    note: `${readable} objects`,
  });
  return rows;
}

function main(): void {
  const arg = process.argv.indexOf("--tuples");
  const sizes = arg > 0 ? [Number(process.argv[arg + 1])] : [10_000, 100_000];
  const rows = sizes.flatMap(bench);
  const header = ["scenario", "tuples", "runs", "p50 ms", "p99 ms", "target", "note"];
  const lines = rows.map((row) => [
    row.scenario,
    String(row.tuples),
    String(row.runs),
    row.p50.toFixed(3),
    row.p99.toFixed(3),
    row.target,
    row.note,
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...lines.map((line) => (line[i] as string).length)));
  const format = (cells: string[]) =>
    `| ${cells.map((cell, i) => cell.padEnd(widths[i] as number)).join(" | ")} |`;
  console.log(`authz bench — node ${process.version}`);
  console.log(format(header));
  console.log(`|${widths.map((w) => "-".repeat(w + 2)).join("|")}|`);
  for (const line of lines) console.log(format(line));
}

main();
