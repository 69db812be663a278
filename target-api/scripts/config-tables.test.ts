import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { README, withTables } from './config-tables.ts';

describe("the README's configuration tables", () => {
  it("equal the tables generated from the services' schemas (run scripts/config-tables.ts to update)", () => {
    const readme = readFileSync(README, 'utf8');
    expect(readme).toContain('<!-- config:api -->');
    expect(readme).toContain('<!-- config:billing-sim -->');
    expect(withTables(readme)).toBe(readme);
  });
});
