import { createHash, timingSafeEqual } from "node:crypto";
import { Hono } from "hono";
import { z } from "zod";
import { type WebhookSender, webhookFaultsSchema } from "./sender.js";

const configBody = z
  .object({
    /** The webhook URL; null turns delivery off. */
    url: z.url().nullable().optional(),
    faults: webhookFaultsSchema.partial().optional(),
  })
  .strict();

/**
 * The emulator's webhook admin routes, to mount at `/__admin/webhook` (same bearer token as the
 * rest of `/__admin`): `GET /` (URL, faults, delivery counts), `PUT /` `{url?, faults?}`,
 * `POST /announce` (`sync_complete` for every sync) and `POST /probe` (`webhook_verification`).
 */
export function webhookAdminRoutes(sender: WebhookSender, adminToken: string): Hono {
  const app = new Hono();
  const expected = digest(adminToken);
  app.use("*", async (c, next) => {
    const given = /^Bearer (.+)$/i.exec(c.req.header("authorization") ?? "")?.[1];
    if (!given || !timingSafeEqual(expected, digest(given))) {
      return c.json(
        {
          message: "admin calls need Authorization: Bearer <admin token>",
          code: "UNAUTHORIZED",
          status: 401,
        },
        401,
      );
    }
    return next();
  });
  const view = () => ({
    url: sender.webhookUrl ?? null,
    faults: sender.currentFaults,
    stats: sender.stats(),
  });
  app.get("/", (c) => c.json(view()));
  app.put("/", async (c) => {
    const parsed = configBody.safeParse(await c.req.json().catch(() => undefined));
    if (!parsed.success) {
      const message = parsed.error.issues
        .map((i) => `${i.path.join(".") || "body"}: ${i.message}`)
        .join("; ");
      return c.json({ message, code: "BAD_REQUEST", status: 400 }, 400);
    }
    if (parsed.data.url !== undefined) sender.setUrl(parsed.data.url ?? undefined);
    if (parsed.data.faults) sender.setFaults(parsed.data.faults);
    return c.json(view());
  });
  app.post("/announce", (c) => {
    sender.announceSyncs();
    return c.json(view(), 202);
  });
  app.post("/probe", (c) => {
    sender.send({ event: "webhook_verification" });
    return c.json(view(), 202);
  });
  return app;
}

function digest(value: string): Buffer {
  return createHash("sha256").update(value).digest();
}
