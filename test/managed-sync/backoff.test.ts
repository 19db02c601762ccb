import { describe, expect, it } from "vitest";
import { backoffDelayMs, DEFAULT_RETRY_POLICY, parseRetryAfter } from "../../src/managed-sync/backoff.js";

describe("parseRetryAfter", () => {
  const now = Date.parse("2026-03-01T12:00:00Z");

  it("reads delta seconds and HTTP-dates", () => {
    expect(parseRetryAfter("3", now)).toBe(3000);
    expect(parseRetryAfter(" 0 ", now)).toBe(0);
    expect(parseRetryAfter("1.5", now)).toBe(1500);
    expect(parseRetryAfter("Sun, 01 Mar 2026 12:00:07 GMT", now)).toBe(7000);
    expect(parseRetryAfter("Sun, 01 Mar 2026 11:00:00 GMT", now)).toBe(0);
  });

  it("ignores what it cannot read", () => {
    expect(parseRetryAfter(null, now)).toBeUndefined();
    expect(parseRetryAfter("soon", now)).toBeUndefined();
    expect(parseRetryAfter("-5", now)).toBeUndefined();
  });
});

describe("backoffDelayMs", () => {
  const policy = { ...DEFAULT_RETRY_POLICY, baseDelayMs: 100, maxDelayMs: 1000 };

  it("uses full jitter under an exponential, capped ceiling", () => {
    expect(backoffDelayMs(policy, 0, undefined, () => 0.999)).toBe(99);
    expect(backoffDelayMs(policy, 2, undefined, () => 0.5)).toBe(200);
    expect(backoffDelayMs(policy, 10, undefined, () => 0.999)).toBe(999);
    expect(backoffDelayMs(policy, 3, undefined, () => 0)).toBe(0);
  });

  it("waits exactly what Retry-After asks", () => {
    expect(backoffDelayMs(policy, 0, 5000, () => 0)).toBe(5000);
  });
});
