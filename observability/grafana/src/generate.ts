// Writes the dashboards as JSON into ../dashboards (npm run dashboards). The JSON is committed; a test
// checks it equals what this produces. File names end in .generated.json: biome.json leaves those alone,
// so the committed text is exactly the generator's.
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { bookingApiDashboard } from './booking-api.ts';
import { loadTestDashboard } from './load-test.ts';

export const DASHBOARDS_DIR = fileURLToPath(new URL('../dashboards/', import.meta.url));

/** File name -> dashboard JSON text. */
export function renderDashboards(): Record<string, string> {
  const json = (value: unknown) => `${JSON.stringify(value, null, 2)}\n`;
  return {
    'booking-api.generated.json': json(bookingApiDashboard()),
    'load-test.generated.json': json(loadTestDashboard()),
  };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  for (const [name, text] of Object.entries(renderDashboards())) {
    writeFileSync(`${DASHBOARDS_DIR}${name}`, text);
    console.log(`wrote observability/grafana/dashboards/${name}`);
  }
}
