// Writes rules/recording.yml and rules/alerts.yml from the SLO source (npm run rules). The files are
// committed; observability/test/rules.test.ts checks they equal what this produces.
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { renderRules } from './rules.ts';

export const RULES_DIR = fileURLToPath(new URL('../rules/', import.meta.url));

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  for (const [name, text] of Object.entries(renderRules())) {
    writeFileSync(`${RULES_DIR}${name}`, text);
    console.log(`wrote observability/prometheus/rules/${name}`);
  }
}
