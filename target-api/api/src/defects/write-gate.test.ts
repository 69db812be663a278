import { describe, expect, it } from 'vitest';
import { accountWriteGate } from './quota-hoarding.ts';

describe("quota-hoarding's write gate", () => {
  it('lets one new write per account through and refuses the next until it leaves', () => {
    const gate = accountWriteGate(1);
    expect(gate.enter('a', 'k1')).toBe(true);
    expect(gate.enter('a', 'k2')).toBe(false);
    expect(gate.enter('a', undefined)).toBe(false);
    expect(gate.enter('b', 'k1')).toBe(true);
    gate.leave('a', 'k1');
    expect(gate.enter('a', 'k2')).toBe(true);
  });

  it('lets retries of the write in flight (its Idempotency-Key) ride along, and counts them out again', () => {
    const gate = accountWriteGate(1);
    expect(gate.enter('a', 'k1')).toBe(true);
    expect(gate.enter('a', 'k1')).toBe(true);
    gate.leave('a', 'k1');
    // The first write is still in flight: a new key still waits.
    expect(gate.enter('a', 'k2')).toBe(false);
    expect(gate.enter('a', 'k1')).toBe(true);
    gate.leave('a', 'k1');
    gate.leave('a', 'k1');
    expect(gate.enter('a', 'k2')).toBe(true);
  });

  it('takes as many writes at once as its limit', () => {
    const gate = accountWriteGate(3);
    expect([1, 2, 3, 4].map(() => gate.enter('a', undefined))).toEqual([true, true, true, false]);
  });
});
