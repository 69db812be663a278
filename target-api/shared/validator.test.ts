// The two rules the shared validator adds to Ajv, on values as Ajv leaves them.
import { describe, expect, it } from 'vitest';
import { unstorableValue } from './validator.ts';

describe('unstorableValue', () => {
  it('finds a non-finite number and a U+0000, with their JSON pointers', () => {
    expect(unstorableValue({ days: Number.POSITIVE_INFINITY })).toMatchObject({
      instancePath: '/days',
      keyword: 'finite',
    });
    expect(unstorableValue({ people: [{ name: 'ok' }, { name: 'A\u0000' }] })).toMatchObject({
      instancePath: '/people/1/name',
      keyword: 'no-nul',
      message: 'must not contain the character U+0000',
    });
    expect(unstorableValue({ 'a/b\u0000': 1 })).toMatchObject({
      instancePath: '/a~1b\u0000',
      keyword: 'no-nul',
    });
  });

  it('passes ordinary values, other control characters and non-Latin text included', () => {
    expect(
      unstorableValue({ name: 'Siti Nurhaliza', note: 'tab\there', kota: 'Tanjung Pinang 🇮🇩', n: 3 }),
    ).toBe(undefined);
    expect(unstorableValue(null)).toBeUndefined();
  });
});
