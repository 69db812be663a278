// How a migration file is cut into statements: on semicolons at line ends, but never inside a
// dollar-quoted function body (003_hold_seat.sql holds one).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { splitStatements } from './migrate.ts';

describe('splitStatements', () => {
  it('cuts at semicolons ending a line and drops comment lines', () => {
    const sql = '-- a table\nCREATE TABLE t (a int);\n-- its index\nCREATE INDEX t_a ON t (a);\n';
    expect(splitStatements(sql)).toEqual(['CREATE TABLE t (a int)', 'CREATE INDEX t_a ON t (a)']);
  });

  it('keeps a function body whole, its own statements and comments included', () => {
    const sql = [
      'CREATE FUNCTION f() RETURNS int LANGUAGE plpgsql AS $$',
      'BEGIN',
      '  -- inside the body',
      '  PERFORM 1;',
      '  RETURN 1;',
      'END',
      '$$;',
      'SELECT f();',
    ].join('\n');
    const statements = splitStatements(sql);
    expect(statements).toHaveLength(2);
    expect(statements[0]).toContain('PERFORM 1;\n  RETURN 1;');
    expect(statements[0]).toContain('-- inside the body');
    expect(statements[1]).toBe('SELECT f()');
  });

  it('reads 003_hold_seat.sql as one statement', () => {
    const sql = readFileSync(join(import.meta.dirname, 'migrations', '003_hold_seat.sql'), 'utf8');
    const statements = splitStatements(sql);
    expect(statements).toHaveLength(1);
    expect(statements[0]).toMatch(/^CREATE FUNCTION hold_seat\(/);
    expect(statements[0]).toMatch(/\$\$$/);
  });
});
