import { setTimeout as sleep } from "node:timers/promises";

/** Resolves once `condition` holds, looking every 5 ms (the test's own timeout bounds the wait). */
export async function until(condition: () => boolean): Promise<void> {
  while (!condition()) await sleep(5);
}
