// The environment variables each service reads: the API's and the simulator's from their configuration
// schemas (the one source the services validate against), telemetry's from the table that documents it
// (target-api/telemetry/README.md). Deployment files must give a service only these.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { ApiEnvSchema } from '@paspor-lab/target-api/api/config';
import { SimEnvSchema } from '@paspor-lab/target-api/billing-sim/config';

const repo = fileURLToPath(new URL('../../../', import.meta.url));
const read = (path: string) => readFileSync(`${repo}${path}`, 'utf8');

/** Variable names in the first column of the markdown tables of a file. */
function tableVariables(text: string): Set<string> {
  return new Set([...text.matchAll(/^\|\s*`?([A-Z][A-Z0-9_]+)`?\s*\|/gm)].map((match) => match[1] as string));
}

export function serviceVariables(): { api: Set<string>; billing: Set<string>; telemetry: Set<string> } {
  return {
    api: new Set(Object.keys(ApiEnvSchema.properties)),
    billing: new Set(Object.keys(SimEnvSchema.properties)),
    telemetry: tableVariables(read('target-api/telemetry/README.md')),
  };
}
