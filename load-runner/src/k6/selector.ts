// `res.json(selector)`: the path syntax k6 documents for it (GJSON,
// https://grafana.com/docs/k6/latest/javascript-api/k6-http/response/response-json/ and
// https://github.com/tidwall/gjson/blob/master/SYNTAX.md): `a.b`, array indexes `a.0`, `#` for an
// array's length, `a.#.b` to map over an array, `*` and `?` wildcards in keys, `\.` to escape a dot,
// and queries `a.#(b==1)` (first match) / `a.#(b>1)#` (all matches) with == != < <= > >= % (like) !%.
// Modifiers (`@reverse`) and multipaths are refused with a clear error rather than misread.

type Json = unknown;

function splitPath(selector: string): string[] {
  const parts: string[] = [];
  let current = '';
  let depth = 0;
  for (let i = 0; i < selector.length; i++) {
    const c = selector[i] as string;
    if (c === '\\' && i + 1 < selector.length) {
      current += selector[++i];
      continue;
    }
    if (c === '(') depth++;
    if (c === ')') depth--;
    if (c === '.' && depth === 0) {
      parts.push(current);
      current = '';
      continue;
    }
    current += c;
  }
  parts.push(current);
  return parts;
}

function wildcard(pattern: string): RegExp {
  const escaped = pattern
    .replace(/[.+^${}()|[\]\\]/g, '\\$&')
    .replace(/\*/g, '.*')
    .replace(/\?/g, '.');
  return new RegExp(`^${escaped}$`);
}

function literal(text: string): Json {
  const t = text.trim();
  if (t.startsWith('"') && t.endsWith('"')) return t.slice(1, -1);
  if (t === 'true') return true;
  if (t === 'false') return false;
  if (t === 'null') return null;
  const n = Number(t);
  return Number.isNaN(n) ? t : n;
}

function compare(value: Json, op: string, target: Json): boolean {
  switch (op) {
    case '==':
      return value === target;
    case '!=':
      return value !== target;
    case '%':
      return typeof value === 'string' && wildcard(String(target)).test(value);
    case '!%':
      return typeof value === 'string' && !wildcard(String(target)).test(value);
  }
  if (typeof value !== typeof target || (typeof value !== 'number' && typeof value !== 'string'))
    return false;
  const a = value as number | string;
  const b = target as number | string;
  if (op === '<') return a < b;
  if (op === '<=') return a <= b;
  if (op === '>') return a > b;
  return a >= b;
}

const QUERY = /^#\((.*?)(==|!=|<=|>=|!%|<|>|%)(.*)\)(#?)$/;

function query(array: Json[], part: string): { all: boolean; matches: Json[] } | null {
  const m = QUERY.exec(part);
  if (!m) return null;
  const [, path = '', op = '==', value = '', all] = m;
  const target = literal(value);
  const matches = array.filter((item) => compare(path.trim() ? get(item, path.trim()) : item, op, target));
  return { all: all === '#', matches };
}

function step(value: Json, parts: string[]): Json {
  if (parts.length === 0) return value;
  const [part = '', ...rest] = parts;
  if (part.startsWith('@') || part.includes('|') || part.startsWith('{') || part.startsWith('[')) {
    throw new Error(
      `res.json(): the selector part "${part}" (modifiers, multipaths) is not supported by the embedded runner`,
    );
  }
  if (Array.isArray(value)) {
    if (part === '#') {
      if (rest.length === 0) return value.length;
      return value.map((item) => step(item, rest)).filter((v) => v !== undefined);
    }
    if (part.startsWith('#(')) {
      const q = query(value, part);
      if (!q) throw new Error(`res.json(): cannot read the query "${part}"`);
      if (q.all) return q.matches.map((item) => step(item, rest)).filter((v) => v !== undefined);
      return q.matches.length > 0 ? step(q.matches[0], rest) : undefined;
    }
    if (/^\d+$/.test(part)) return step(value[Number(part)], rest);
    return undefined;
  }
  if (value === null || typeof value !== 'object') return undefined;
  const object = value as Record<string, Json>;
  if (part.includes('*') || part.includes('?')) {
    const re = wildcard(part);
    const key = Object.keys(object).find((k) => re.test(k));
    return key === undefined ? undefined : step(object[key], rest);
  }
  return Object.hasOwn(object, part) ? step(object[part], rest) : undefined;
}

/** The value at `selector` in `value`, or undefined when nothing is there (k6 returns undefined too). */
export function get(value: Json, selector: string): Json {
  return step(value, splitPath(selector));
}
