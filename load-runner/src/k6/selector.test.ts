// res.json(selector) paths in the GJSON syntax k6 documents
// (https://grafana.com/docs/k6/latest/javascript-api/k6-http/response/response-json/,
// https://github.com/tidwall/gjson/blob/master/SYNTAX.md), on GJSON's own example document.
import { describe, expect, it } from 'vitest';
import { get } from './selector.ts';

const doc = {
  name: { first: 'Tom', last: 'Anderson' },
  age: 37,
  children: ['Sara', 'Alex', 'Jack'],
  'fav.movie': 'Deer Hunter',
  friends: [
    { first: 'Dale', last: 'Murphy', age: 44, nets: ['ig', 'fb', 'tw'] },
    { first: 'Roger', last: 'Craig', age: 68, nets: ['fb', 'tw'] },
    { first: 'Jane', last: 'Murphy', age: 47, nets: ['ig', 'tw'] },
  ],
};

describe('res.json selectors', () => {
  it('reads keys, indexes, counts and escaped dots', () => {
    expect(get(doc, 'name.last')).toBe('Anderson');
    expect(get(doc, 'children.1')).toBe('Alex');
    expect(get(doc, 'children.#')).toBe(3);
    expect(get(doc, 'friends.1.first')).toBe('Roger');
    expect(get(doc, 'fav\\.movie')).toBe('Deer Hunter');
    expect(get(doc, 'name.middle')).toBeUndefined();
  });

  it('maps over arrays with # and matches keys with wildcards', () => {
    expect(get(doc, 'friends.#.first')).toEqual(['Dale', 'Roger', 'Jane']);
    expect(get(doc, 'child*.2')).toBe('Jack');
    expect(get(doc, 'c?ildren.0')).toBe('Sara');
  });

  it('answers queries: the first match with #(...), all matches with #(...)#', () => {
    expect(get(doc, 'friends.#(last=="Murphy").first')).toBe('Dale');
    expect(get(doc, 'friends.#(last=="Murphy")#.first')).toEqual(['Dale', 'Jane']);
    expect(get(doc, 'friends.#(age>45)#.last')).toEqual(['Craig', 'Murphy']);
    expect(get(doc, 'friends.#(first%"D*").last')).toBe('Murphy');
  });

  it('refuses modifiers instead of misreading them', () => {
    expect(() => get(doc, 'children|@reverse')).toThrow(/not supported/);
  });
});
