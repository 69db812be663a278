// The data setup() returns, as each VU (and teardown) gets it: a copy of its own, as k6 gives every VU
// its own (k6 passes it through JSON), so a VU that changes its copy changes nobody else's. The copies
// share their strings: strings are immutable, so no script can tell, and they are most of the bytes.
// A release-scale quota rush hands each of 500 VUs the 20,000 seeded applicants; a JSON.parse per VU
// ran the runner out of its 4 GB heap (3 Dec), the copies here hold only their objects and arrays.

export class SetupData {
  readonly #template: unknown;

  /** `json`: setup()'s return value through JSON.stringify, as k6 sends it; undefined without setup(). */
  constructor(json: string | undefined) {
    this.#template = json === undefined ? undefined : JSON.parse(json);
  }

  /** A fresh copy: its objects and arrays are its own, its strings shared with every other copy. */
  copy(): unknown {
    return copyJson(this.#template);
  }
}

/** A deep copy of a JSON value (what JSON.parse returns: plain objects, arrays and primitives). */
export function copyJson(value: unknown): unknown {
  if (value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) {
    const out = new Array<unknown>(value.length);
    for (let i = 0; i < value.length; i++) out[i] = copyJson(value[i]);
    return out;
  }
  const source = value as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(source)) {
    // JSON may carry a "__proto__" key as data: an own property, never the prototype.
    if (key === '__proto__')
      Object.defineProperty(out, key, {
        value: copyJson(source[key]),
        enumerable: true,
        writable: true,
        configurable: true,
      });
    else out[key] = copyJson(source[key]);
  }
  return out;
}
