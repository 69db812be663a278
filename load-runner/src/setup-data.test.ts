// setup()'s data as the VUs get it: each copy its own (k6: a VU changing its data changes no other VU's),
// equal to what a JSON round trip gives, "__proto__" kept as data.
import { describe, expect, it } from 'vitest';
import { copyJson, SetupData } from './setup-data.ts';

const data = {
  slot: { officeId: 'kanim-batam', date: '2027-03-10' },
  applicants: [
    { token: 'a'.repeat(40), nik: '2171010101900001', married: false, children: null },
    { token: 'b'.repeat(40), nik: '2171010101900002', married: true, tries: 3 },
  ],
};

describe('SetupData', () => {
  it('gives each copy objects and arrays of its own', () => {
    const setup = new SetupData(JSON.stringify(data));
    const one = setup.copy() as typeof data;
    const two = setup.copy() as typeof data;
    one.applicants.pop();
    (one.slot as Record<string, unknown>).date = 'changed';
    expect(two.applicants).toHaveLength(2);
    expect(two.slot.date).toBe('2027-03-10');
    expect(setup.copy()).toEqual(JSON.parse(JSON.stringify(data)));
  });

  it('is undefined without setup data, and copies primitives as they are', () => {
    expect(new SetupData(undefined).copy()).toBeUndefined();
    expect(new SetupData('42').copy()).toBe(42);
    expect(new SetupData('"text"').copy()).toBe('text');
  });

  it('keeps a "__proto__" key as an own property, as JSON.parse does, not as the prototype', () => {
    const parsed = JSON.parse('{"__proto__": {"polluted": true}, "a": 1}') as Record<string, unknown>;
    const copy = copyJson(parsed) as Record<string, unknown>;
    expect(Object.getPrototypeOf(copy)).toBe(Object.prototype);
    expect(Object.keys(copy)).toEqual(['__proto__', 'a']);
    expect((copy as { polluted?: boolean }).polluted).toBeUndefined();
  });
});
