import { describe, expect, it } from "vitest";
import { invalidationOf, invalidationsOf } from "../../src/freshness/index.js";

const S = "sync-1";
const change = (object: string, relation: string, user: string) => ({
  object,
  relation,
  user,
  operation: "write" as const,
});

describe("a tuple change becomes the narrowest invalidation it allows", () => {
  it.each([
    // A person's grant on a file: that person's view of that file.
    ["file:f1", "reader", "user:Ana@X.test", { syncId: S, recordId: "f1", subject: "ana@x.test" }],
    // A group's or a domain's grant on a file, or public: that file for everyone.
    ["file:f1", "writer", "group:eng#member", { syncId: S, recordId: "f1" }],
    ["file:f1", "reader", "domain:x.test#member", { syncId: S, recordId: "f1" }],
    ["file:f1", "reader", "user:*", { syncId: S, recordId: "f1" }],
    // A file moved: that file for everyone.
    ["file:f1", "parent", "folder:d1", { syncId: S, recordId: "f1" }],
    // A folder's grant: its whole subtree, which the feed does not list: that person's view of the sync.
    ["folder:d1", "reader", "user:leo@x.test", { syncId: S, subject: "leo@x.test" }],
    ["folder:d1", "reader", "group:eng#member", { syncId: S }],
    ["folder:d1", "parent", "folder:d0", { syncId: S }],
    // Membership: that person everywhere in the sync; a nested group: everyone.
    ["group:eng", "member", "user:leo@x.test", { syncId: S, subject: "leo@x.test" }],
    ["group:eng", "member", "group:platform#member", { syncId: S }],
    ["domain:x.test", "member", "user:new@x.test", { syncId: S, subject: "new@x.test" }],
    // Something the model may grow: the whole sync.
    ["team:t1", "member", "group:eng#member", { syncId: S }],
  ])("%s#%s@%s", (object, relation, user, expected) => {
    expect(invalidationOf(S, change(object, relation, user))).toEqual(expected);
  });

  it("dedupes a page's scopes, and drops the whole sync when one change needs it", () => {
    const page = [
      change("file:f1", "reader", "user:ana@x.test"),
      change("file:f1", "reader", "user:ana@x.test"),
      change("group:eng", "member", "user:leo@x.test"),
    ];
    expect(invalidationsOf(S, page)).toEqual([
      { syncId: S, recordId: "f1", subject: "ana@x.test" },
      { syncId: S, subject: "leo@x.test" },
    ]);
    expect(invalidationsOf(S, [...page, change("folder:d1", "parent", "folder:d0")])).toEqual([
      { syncId: S },
    ]);
  });
});
