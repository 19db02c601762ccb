// Module hooks for an extraction worker started from source (tests, `tsx`), never used by the
// compiled package. Node 20 does not pass the parent's loader hooks to worker threads, and tsx
// inside a worker re-transforms every package it meets (pdf.js alone then takes seconds to load),
// so this transforms only the project's own .ts files and leaves node_modules to Node.
import { readFile } from "node:fs/promises";
import { transform } from "esbuild";

/** `./x.js` imported from a .ts file is the .ts file beside it (TypeScript's NodeNext convention). */
export async function resolve(specifier, context, next) {
  try {
    return await next(specifier, context);
  } catch (error) {
    const fromSource = context.parentURL?.endsWith(".ts") && !context.parentURL.includes("/node_modules/");
    if (fromSource && specifier.startsWith(".") && specifier.endsWith(".js")) {
      return next(`${specifier.slice(0, -3)}.ts`, context);
    }
    throw error;
  }
}

export async function load(url, context, next) {
  if (!url.startsWith("file:") || !url.endsWith(".ts")) return next(url, context);
  const source = await readFile(new URL(url), "utf8");
  const { code } = await transform(source, {
    loader: "ts",
    format: "esm",
    target: "es2022",
    sourcemap: "inline",
    sourcefile: url,
  });
  return { format: "module", source: code, shortCircuit: true };
}
