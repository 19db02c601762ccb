#!/usr/bin/env node
// The published entry point runs the compiled CLI; `npm run build` (or `npm ci`, via prepare) makes it.
import { main } from "../dist/cli/main.js";

await main(process.argv);
