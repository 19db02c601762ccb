import { setTimeout as sleep } from "node:timers/promises";
import type { HttpBindings } from "@hono/node-server";
import { RESPONSE_ALREADY_SENT } from "@hono/node-server/utils/response";
import type { MiddlewareHandler } from "hono";
import { z } from "zod";
import { ClearanceError } from "../../errors.js";
import { seededRandom } from "../seeded-random.js";
import type { EmulatorEnv } from "./env.js";
import { errorResponse } from "./http-errors.js";

const rate = z.number().min(0).max(1);

/** Fault injection settings; every rate is a fraction of matching requests (0 = off). */
export const faultConfigSchema = z
  .object({
    rate429: rate.default(0),
    retryAfterSeconds: z.number().int().min(0).default(1),
    rate503: rate.default(0),
    rateSlow: rate.default(0),
    slowMs: z.number().int().min(0).default(2000),
    /** Send the headers and part of the body, then destroy the socket. */
    rateCut: rate.default(0),
    /** Only paths matching this regular expression are faulted, e.g. "/content$". */
    pathPattern: z.string().optional(),
    seed: z.number().int().default(1),
  })
  .strict()
  .refine((f) => f.rate429 + f.rate503 + f.rateSlow + f.rateCut <= 1, {
    message: "rate429 + rate503 + rateSlow + rateCut must be at most 1",
  });

export type FaultConfig = z.output<typeof faultConfigSchema>;
export type FaultConfigInput = z.input<typeof faultConfigSchema>;
export type FaultKind = "429" | "503" | "slow" | "cut";

/** Validates fault settings (from options, flags or the admin API). */
export function parseFaultConfig(input: unknown): FaultConfig {
  const parsed = faultConfigSchema.safeParse(input);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new ClearanceError(
      "BAD_REQUEST",
      `faults: ${issue?.path.join(".") || ""} ${issue?.message ?? "invalid"}`,
    );
  }
  if (parsed.data.pathPattern !== undefined) {
    try {
      new RegExp(parsed.data.pathPattern);
    } catch (cause) {
      throw new ClearanceError("BAD_REQUEST", `faults: pathPattern is not a regular expression`, { cause });
    }
  }
  return parsed.data;
}

/** Decides, request by request and reproducibly for a seed, which fault (if any) to inject. */
export class FaultInjector {
  private config: FaultConfig | undefined;
  private pattern: RegExp | undefined;
  private random: () => number = Math.random;
  /** How many of each fault were injected since the config was set. */
  readonly counts: Record<FaultKind, number> = { "429": 0, "503": 0, slow: 0, cut: 0 };

  constructor(config?: FaultConfigInput) {
    if (config) this.set(config);
  }

  /** Replaces the settings and restarts the sequence from the seed. */
  set(input: FaultConfigInput | FaultConfig): FaultConfig {
    const config = parseFaultConfig(input);
    this.config = config;
    this.pattern = config.pathPattern === undefined ? undefined : new RegExp(config.pathPattern);
    this.random = seededRandom(config.seed);
    for (const kind of Object.keys(this.counts) as FaultKind[]) this.counts[kind] = 0;
    return config;
  }

  /** Turns fault injection off. */
  clear(): void {
    this.config = undefined;
    this.pattern = undefined;
  }

  get current(): FaultConfig | undefined {
    return this.config;
  }

  /** The fault for the next request to `path`, or undefined. */
  draw(path: string): FaultKind | undefined {
    const f = this.config;
    if (!f || (this.pattern && !this.pattern.test(path))) return undefined;
    const r = this.random();
    const bands: [FaultKind, number][] = [
      ["429", f.rate429],
      ["503", f.rate503],
      ["slow", f.rateSlow],
      ["cut", f.rateCut],
    ];
    let edge = 0;
    let kind: FaultKind | undefined;
    for (const [candidate, share] of bands) {
      edge += share;
      if (r < edge) {
        kind = candidate;
        break;
      }
    }
    if (kind) this.counts[kind]++;
    return kind;
  }
}

/** Middleware that injects the drawn fault into a Sync API request. */
export function injectFaults(faults: FaultInjector): MiddlewareHandler<EmulatorEnv> {
  return async (c, next) => {
    const kind = faults.draw(c.req.path);
    const config = faults.current;
    if (!kind || !config) return next();
    if (kind === "429") {
      c.header("Retry-After", String(config.retryAfterSeconds));
      return errorResponse(
        c,
        429,
        "RATE_LIMITED",
        "too many requests (injected fault): retry after Retry-After seconds",
      );
    }
    if (kind === "503") {
      return errorResponse(c, 503, "UNAVAILABLE", "service unavailable (injected fault): retry with backoff");
    }
    if (kind === "slow") {
      try {
        await sleep(config.slowMs, undefined, { signal: c.req.raw.signal });
      } catch {
        // The client gave up; nobody reads this, but the request still needs an answer.
        return errorResponse(c, 408, "CLIENT_GONE", "the client went away during an injected delay");
      }
      return next();
    }
    await next();
    const response = c.res;
    const bytes = new Uint8Array(await response.arrayBuffer());
    const part = bytes.subarray(0, Math.floor(bytes.byteLength / 2));
    const headers = new Headers(response.headers);
    headers.set("Content-Length", String(bytes.byteLength));
    const outgoing = (c.env as Partial<HttpBindings> | undefined)?.outgoing;
    c.res = undefined;
    if (outgoing) {
      outgoing.writeHead(response.status, Object.fromEntries(headers));
      outgoing.write(part, () => outgoing.destroy());
      c.res = alreadySent();
      return;
    }
    // Without a Node socket (app.fetch in-process) the body stream errors after the part instead.
    c.res = new Response(
      new ReadableStream({
        start(controller) {
          controller.enqueue(part);
          controller.error(new Error("connection cut (injected fault)"));
        },
      }),
      { status: response.status, headers },
    );
  };
}

/**
 * node-server's "already sent" response, made one it honours. Built while another node-server in
 * the process had put its own `Response` in the global scope (a test run, an app embedding the
 * emulator), it is that server's cached kind, whose path writes headers regardless: the write then
 * failed on the sent ones, and node-server ended the body with its error text ("Error: Cannot
 * write headers…"), so a cut-off body arrived whole, its end that text. Reading `body` turns a
 * cached response into a plain one, whose path checks the marker and writes nothing.
 */
function alreadySent(): Response {
  void RESPONSE_ALREADY_SENT.body;
  return RESPONSE_ALREADY_SENT;
}
