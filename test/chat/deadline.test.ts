import { describe, expect, it } from "vitest";
import { requestDeadline } from "../../src/chat/deadline.js";
import { ChatTimeoutError } from "../../src/chat/errors.js";

describe("requestDeadline", () => {
  it("aborts with a ChatTimeoutError when the time is up", async () => {
    const deadline = requestDeadline(undefined, 5);
    await new Promise((resolve) => deadline.signal.addEventListener("abort", resolve, { once: true }));
    expect(deadline.signal.reason).toBeInstanceOf(ChatTimeoutError);
    deadline.dispose();
  });

  it("aborts with the request's reason when the client goes away", () => {
    const request = new AbortController();
    const deadline = requestDeadline(request.signal, 60_000);
    request.abort("gone");
    expect(deadline.signal.aborted).toBe(true);
    expect(deadline.signal.reason).toBe("gone");
    deadline.dispose();
  });

  it("is aborted at once when the request already was, and no longer follows it once disposed", () => {
    const gone = new AbortController();
    gone.abort("early");
    expect(requestDeadline(gone.signal, 60_000).signal.reason).toBe("early");
    const request = new AbortController();
    const deadline = requestDeadline(request.signal, 60_000);
    deadline.dispose();
    request.abort("late");
    expect(deadline.signal.aborted).toBe(false);
  });
});
