// The JSON Schema files of the repository's machine-read outputs, exported from the TypeBox schemas
// that the code itself validates with (reports/src/contract/schemas.ts, reports/src/render/report-schema.ts).
//   node schema/export.ts    rewrites schema/*.schema.json; schema/schema.test.ts fails when they differ
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Verification } from '@paspor-lab/reports/contract';
import { ReportJson } from '@paspor-lab/reports/report-schema';
import type { TSchema } from 'typebox';

const DIALECT = 'https://json-schema.org/draft/2020-12/schema';

function document(schema: TSchema, title: string): string {
  // JSON.stringify drops TypeBox's symbol-keyed bookkeeping: what is left is plain JSON Schema.
  const plain = JSON.parse(JSON.stringify(schema)) as Record<string, unknown>;
  return `${JSON.stringify({ $schema: DIALECT, title, ...plain }, null, 2)}\n`;
}

/** File name -> content, in the order they are written. */
export function schemaFiles(): Record<string, string> {
  return {
    'report.schema.json': document(ReportJson, 'paspor-lab report.json'),
    'verification.schema.json': document(Verification, 'paspor-lab verification.json'),
  };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  for (const [name, content] of Object.entries(schemaFiles())) {
    writeFileSync(fileURLToPath(new URL(name, import.meta.url)), content);
    process.stdout.write(`wrote schema/${name}\n`);
  }
}
