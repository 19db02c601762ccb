import { z } from "zod";

/**
 * An absolute http(s) URL without a fragment. `z.url()` alone takes `localhost:4010` (its scheme
 * is `localhost:`), which then fails far from the setting that holds it.
 */
export const httpUrl = z
  .url({ protocol: /^https?$/, error: "must be an http(s) URL, e.g. https://host or http://127.0.0.1:4010" })
  .refine((value) => !value.includes("#"), {
    message: "must not have a #fragment",
  });
