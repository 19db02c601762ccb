import { closestName } from "./closest-name.js";
import { envSettings } from "./env.js";

/** Variables Clearance reads besides the settings' own (envSettings). */
const otherVariables = ["CLEARANCE_CONFIG", "CLEARANCE_DEBUG", "PARAGON_SIGNING_KEY_FILE"];

/**
 * Variables set in `env` that Clearance does not read but that look like one it does
 * (`CLEARANCE_TENNANTS`, `clearance_tenant`, `CLEARNCE_JWKS_URL`), each with the name it resembles,
 * for a setup error to mention: the error names the variable to set, and the person reading it
 * believes they set it. Not refused on their own: the environment is shared with everything else
 * the process runs, and a near miss may be another program's. A guess that is itself set is not
 * offered.
 */
export function misspeltVariables(env: Record<string, string | undefined>): string[] {
  const known = [...envSettings.map(([name]) => name), ...otherVariables];
  const hints: string[] = [];
  for (const [name, value] of Object.entries(env)) {
    if (value === undefined || value === "" || known.includes(name)) continue;
    const guess = closestName(name, known);
    if (guess && !env[guess]) {
      hints.push(`${name} is set, but Clearance reads no such variable: did you mean ${guess}?`);
    }
  }
  return hints;
}
