// The configuration reference (docs/configuration.md) is generated from the zod schema; this
// fails when a setting, default or variable changed and the page was not regenerated, or when a
// setting has no description.
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { renderConfigReference, settingsOf } from "../../scripts/config-reference.js";
import { settingDescriptions } from "../../src/config/descriptions.js";
import { envSettings } from "../../src/config/env.js";

const PAGE = new URL("../../docs/configuration.md", import.meta.url);

describe("the configuration reference", () => {
  const settings = settingsOf();
  const paths = new Set(settings.map((s) => s.path));

  it("describes every setting, and nothing that is not one", () => {
    expect(settings.length).toBeGreaterThan(50);
    expect(settings.filter((s) => !s.description).map((s) => s.path)).toEqual([]);
    expect(Object.keys(settingDescriptions).filter((path) => !paths.has(path))).toEqual([]);
  });

  it("every environment variable sets a setting that exists", () => {
    expect(envSettings.filter(([, path]) => !paths.has(path)).map(([name]) => name)).toEqual([]);
  });

  it("docs/configuration.md is what the schema renders (run npx tsx scripts/make-config-docs.ts)", () => {
    expect(readFileSync(PAGE, "utf8")).toBe(renderConfigReference());
  });

  it("shows types, defaults and variables from the schema", () => {
    const page = renderConfigReference();
    expect(page).toContain("| `retrieval.k` | integer > 0, ≤ 100 | `6` | `CLEARANCE_K` |");
    expect(page).toContain(
      "| `retrieval.follow` | boolean | `true` | `CLEARANCE_FOLLOW_PERMISSION_CHANGES` |",
    );
    expect(page).toContain(
      '| `store.dir` (lancedb) | string | `".clearance/store"` | `CLEARANCE_STORE_DIR` |',
    );
  });
});
