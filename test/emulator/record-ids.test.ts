import { describe, expect, it } from "vitest";
import { corpusToState } from "../../src/emulator/index.js";
import { ContentStore } from "../../src/emulator/state/index.js";
import { smallCorpus } from "./helpers.js";

describe("record ids", () => {
  it("a folder created where a moved folder used to be gets its own id (no cycle, no merged subtree)", () => {
    const state = corpusToState(smallCorpus(), new ContentStore());
    const sync = state.syncsOf("northwind")[0]!;
    const moved = state.makeFolder(sync.id, "Moved");
    state.move(sync.id, "Moved", "HR/z");
    const again = state.makeFolder(sync.id, "Moved");
    expect(again.id).not.toBe(moved.id);
    state.move(sync.id, "HR/z", "Moved/inner");
    expect(state.recordIdsBelow(sync.id, again.id)).toEqual([again.id, moved.id]);
    expect(state.nodeAt(sync.id, "Moved/inner").id).toBe(moved.id);
  });
});
