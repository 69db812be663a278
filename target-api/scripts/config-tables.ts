// Writes the configuration tables of target-api/README.md from the services' schemas (the one source
// of every variable, default and meaning). `node target-api/scripts/config-tables.ts` rewrites them;
// `--check` exits 1 when the README differs (scripts/config-tables.test.ts asserts the same).
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { ApiEnvSchema } from '../api/src/config.ts';
import { SimEnvSchema } from '../billing-sim/src/config.ts';
import { configTable } from '../shared/config.ts';

export const README = fileURLToPath(new URL('../README.md', import.meta.url));

/** Each table sits between `<!-- config:<name> -->` and `<!-- /config:<name> -->` in the README. */
const TABLES = { api: ApiEnvSchema, 'billing-sim': SimEnvSchema };

export function withTables(readme: string): string {
  let text = readme;
  for (const [name, schema] of Object.entries(TABLES)) {
    const open = `<!-- config:${name} -->`;
    const close = `<!-- /config:${name} -->`;
    const start = text.indexOf(open);
    const end = text.indexOf(close);
    if (start < 0 || end < start) throw new Error(`README.md has no ${open} ... ${close} section`);
    text = `${text.slice(0, start + open.length)}\n${configTable(schema)}\n${text.slice(end)}`;
  }
  return text;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const current = readFileSync(README, 'utf8');
  const generated = withTables(current);
  if (process.argv.includes('--check')) {
    if (generated !== current) {
      process.stderr.write(
        'target-api/README.md configuration tables are stale; run node target-api/scripts/config-tables.ts\n',
      );
      process.exit(1);
    }
  } else if (generated !== current) {
    writeFileSync(README, generated);
    process.stdout.write('target-api/README.md: configuration tables rewritten\n');
  }
}
