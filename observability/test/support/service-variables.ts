// The environment variables each service reads, from the tables that document them: the API's
// (target-api/README.md), the simulator's (the comment table in its config.ts) and telemetry's
// (target-api/telemetry/README.md). Deployment files must give a service only these.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const repo = fileURLToPath(new URL('../../../', import.meta.url));
const read = (path: string) => readFileSync(`${repo}${path}`, 'utf8');

/** Variable names in the first column of the markdown tables of a file. */
function tableVariables(text: string): Set<string> {
  return new Set([...text.matchAll(/^\|\s*`?([A-Z][A-Z0-9_]+)`?\s*\|/gm)].map((match) => match[1] as string));
}
/** Variable names in a `// | NAME |` comment table. */
function commentTableVariables(text: string): Set<string> {
  return new Set([...text.matchAll(/^\/\/ \| ([A-Z][A-Z0-9_]+)\s+\|/gm)].map((match) => match[1] as string));
}

export function serviceVariables(): { api: Set<string>; billing: Set<string>; telemetry: Set<string> } {
  return {
    api: tableVariables(read('target-api/README.md')),
    billing: commentTableVariables(read('target-api/billing-sim/src/config.ts')),
    telemetry: tableVariables(read('target-api/telemetry/README.md')),
  };
}
