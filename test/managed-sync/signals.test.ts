import { getEventListeners } from "node:events";
import { setTimeout as sleep } from "node:timers/promises";
import { describe, expect, it } from "vitest";
import { Deadline, linkAbort } from "../../src/managed-sync/index.js";

describe("Deadline: one attempt's signal", () => {
  it("aborts with a TimeoutError when its time passes, and says the timeout ended it", async () => {
    const deadline = new Deadline(undefined, 5);
    await sleep(30);
    expect(deadline.signal.aborted).toBe(true);
    expect((deadline.signal.reason as DOMException).name).toBe("TimeoutError");
    expect(deadline.timedOut).toBe(true);
    deadline.dispose();
  });

  it("takes a timeout past what a timer holds (2^31 ms) as a long one, not an instant one", async () => {
    // Node fires a setTimeout of more than 2^31 - 1 ms after 1 ms: every request would time out.
    const deadline = new Deadline(undefined, 10 * 365 * 24 * 3600_000);
    await sleep(20);
    expect(deadline.signal.aborted).toBe(false);
    deadline.dispose();
  });

  it("aborts with the caller's reason, not as a timeout, and lets go of the caller's signal", () => {
    const run = new AbortController();
    const deadline = new Deadline(run.signal, 60_000);
    expect(getEventListeners(run.signal, "abort")).toHaveLength(1);
    run.abort("cancelled");
    expect(deadline.signal.reason).toBe("cancelled");
    expect(deadline.timedOut).toBe(false);
    deadline.dispose();
    deadline.dispose();
    expect(getEventListeners(run.signal, "abort")).toHaveLength(0);
  });
});

describe("linkAbort", () => {
  it("aborts at once for an already aborted parent, and unlinks on request", () => {
    const gone = new AbortController();
    gone.abort("early");
    const child = new AbortController();
    linkAbort(gone.signal, child)();
    expect(child.signal.reason).toBe("early");

    const parent = new AbortController();
    const other = new AbortController();
    linkAbort(parent.signal, other)();
    parent.abort("late");
    expect(other.signal.aborted).toBe(false);
  });
});
