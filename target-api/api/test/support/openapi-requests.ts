// Requests generated from an OpenAPI 3 document (the one @fastify/swagger builds from the routes'
// TypeBox schemas): for every operation, each path, query and header parameter and each body property
// gets a valid value, a hostile one (a wrong type, a boundary number, a non-date, a huge string) or
// none. A new route or parameter is covered the moment it is in the document.
import fc from 'fast-check';

/** The part of JSON Schema the routes use. */
export interface Schema {
  type?: string | string[];
  format?: string;
  pattern?: string;
  minimum?: number;
  maximum?: number;
  minLength?: number;
  maxLength?: number;
  minItems?: number;
  maxItems?: number;
  uniqueItems?: boolean;
  enum?: unknown[];
  const?: unknown;
  anyOf?: Schema[];
  oneOf?: Schema[];
  items?: Schema;
  properties?: Record<string, Schema>;
  required?: string[];
}

interface Parameter {
  name: string;
  in: 'path' | 'query' | 'header' | 'cookie';
  required?: boolean;
  schema?: Schema;
}

export interface Operation {
  method: string;
  /** OpenAPI path, e.g. /v1/bookings/{bookingId}. */
  path: string;
  parameters: Parameter[];
  body: Schema | undefined;
  secured: boolean;
}

interface OpenApiDocument {
  paths: Record<
    string,
    Record<
      string,
      {
        parameters?: Parameter[];
        requestBody?: { content?: Record<string, { schema?: Schema }> };
        security?: unknown[];
      }
    >
  >;
}

/** Every operation of the document, with its parameters and JSON body schema. */
export function operationsOf(document: OpenApiDocument): Operation[] {
  return Object.entries(document.paths).flatMap(([path, operations]) =>
    Object.entries(operations).map(([method, operation]) => ({
      method: method.toUpperCase(),
      path,
      parameters: operation.parameters ?? [],
      body: operation.requestBody?.content?.['application/json']?.schema,
      secured: (operation.security?.length ?? 0) > 0,
    })),
  );
}

/**
 * Values that exist (a real booking id, an office id), so valid requests reach past the lookups:
 * `uuids` for any uuid, `byName` for a parameter or property of that name.
 */
export interface Known {
  uuids: string[];
  byName: Record<string, string[]>;
}

const DATE = '2026-03-10';

/**
 * A value the schema accepts. Numbers stay near their minimum: the boundary itself is among the hostile
 * values, and a valid `accounts: 10000` would make a seed, not a probe.
 */
export function validValue(schema: Schema, known: Known): fc.Arbitrary<unknown> {
  if (schema.const !== undefined) return fc.constant(schema.const);
  if (schema.enum) return fc.constantFrom(...schema.enum);
  const union = schema.anyOf ?? schema.oneOf;
  if (union) return fc.oneof(...union.map((member) => validValue(member, known)));
  const type = Array.isArray(schema.type) ? schema.type[0] : schema.type;
  switch (type) {
    case 'integer': {
      const min = schema.minimum ?? 0;
      return fc.integer({ min, max: Math.min(schema.maximum ?? min + 3, min + 3) });
    }
    case 'number': {
      const min = schema.minimum ?? 0;
      return fc.double({ min, max: Math.min(schema.maximum ?? min + 3, min + 3), noNaN: true });
    }
    case 'boolean':
      return fc.boolean();
    case 'null':
      return fc.constant(null);
    case 'array': {
      const bounds = {
        minLength: schema.minItems ?? 0,
        maxLength: Math.min(schema.maxItems ?? 3, Math.max(schema.minItems ?? 0, 3)),
      };
      const items = validValue(schema.items ?? {}, known);
      return schema.uniqueItems
        ? fc.uniqueArray(items, { ...bounds, selector: (item) => JSON.stringify(item) })
        : fc.array(items, bounds);
    }
    case 'object':
      return objectOf(schema, known, false);
    default:
      return validString(schema, known);
  }
}

function validString(schema: Schema, known: Known): fc.Arbitrary<string> {
  switch (schema.format) {
    case 'date':
      return fc.constantFrom(DATE, '2026-03-11', '2028-02-29');
    case 'date-time':
      return fc
        .date({ min: new Date('2026-01-01'), max: new Date('2027-01-01'), noInvalidDate: true })
        .map((d) => d.toISOString());
    case 'uuid':
      return fc.oneof(fc.constantFrom(...known.uuids), fc.uuid());
    case 'email':
      return fc.constantFrom('siti@example.id', 'a.b@c.co');
  }
  const min = schema.minLength ?? 0;
  const max = Math.min(schema.maxLength ?? min + 20, min + 20);
  if (schema.pattern) {
    return fc
      .stringMatching(new RegExp(schema.pattern))
      .filter(
        (value) =>
          value.length >= min && (schema.maxLength === undefined || value.length <= schema.maxLength),
      );
  }
  return fc.string({ minLength: min, maxLength: max });
}

/** Numbers just inside and outside the bounds, and the ones JavaScript handles badly. */
function boundaryNumbers(schema: Schema): fc.Arbitrary<unknown> {
  const edges: number[] = [
    0,
    -1,
    0.5,
    -0,
    2 ** 31,
    2 ** 53 + 2,
    -(2 ** 53) - 2,
    Number.MAX_VALUE,
    Number.MIN_VALUE,
    1e21,
  ];
  if (schema.minimum !== undefined) edges.push(schema.minimum - 1, schema.minimum - 0.5, schema.minimum);
  if (schema.maximum !== undefined) {
    edges.push(schema.maximum + 1, schema.maximum + 0.5);
    // The maximum itself only where it is cheap to honour (see validValue).
    if (schema.maximum <= 100) edges.push(schema.maximum);
  }
  return fc.oneof(
    fc.constantFrom(...edges),
    // As text: what a query string, a header, or a JSON string carries.
    fc.constantFrom(
      '1e400',
      '-1e400',
      'Infinity',
      '-Infinity',
      'NaN',
      '0x10',
      '1_000',
      ' 1',
      '1 ',
      '+1',
      '٣',
      ...edges.map(String),
    ),
  );
}

const NOT_DATES = [
  '2026-02-30',
  '2026-99-99',
  '2023-02-29',
  '0000-00-00',
  '2026-13-01',
  '2026-1-1',
  '10000-01-01',
  '2026-03-10T25:61:00Z',
  '2026-03-10T00:00:00',
  'tomorrow',
  '',
  '1741564800000',
];

/** A value of the wrong type, a boundary number, a non-date, a huge or strange string. */
export function hostileValue(schema: Schema): fc.Arbitrary<unknown> {
  const strings = fc.oneof(
    fc.constantFrom(
      '',
      ' ',
      '%00',
      '\u0000',
      '%',
      '../../etc/passwd',
      "' OR 1=1 --",
      '😀',
      'ñ',
      '__proto__',
      'constructor',
      '00000000-0000-0000-0000-000000000000',
      ...NOT_DATES,
    ),
    fc.constantFrom(1_000, 10_000, 100_000).map((n) => 'x'.repeat(n)),
    fc.string({ maxLength: 30 }),
    fc.string({ unit: 'grapheme', maxLength: 10 }),
  );
  const wrongTypes = fc.oneof(
    fc.integer(),
    fc.double(),
    fc.boolean(),
    fc.constant(null),
    fc.array(fc.oneof(fc.integer(), fc.string({ maxLength: 5 })), { maxLength: 3 }),
    fc.dictionary(fc.string({ maxLength: 5 }), fc.integer(), { maxKeys: 3 }),
    strings,
  );
  const type = Array.isArray(schema.type) ? schema.type[0] : schema.type;
  if (type === 'integer' || type === 'number') return fc.oneof(boundaryNumbers(schema), wrongTypes);
  if (schema.format === 'date' || schema.format === 'date-time')
    return fc.oneof(fc.constantFrom(...NOT_DATES), wrongTypes);
  return wrongTypes;
}

/** A valid value, a hostile one, or (for an optional one) nothing; valid is likelier, to reach code. */
function valueFor(name: string, schema: Schema, known: Known, required: boolean): fc.Arbitrary<unknown> {
  const existing = known.byName[name] ?? [];
  const valid =
    existing.length > 0
      ? fc.oneof(fc.constantFrom(...existing), validValue(schema, known))
      : validValue(schema, known);
  const choices = [
    { weight: 3, arbitrary: valid },
    { weight: 2, arbitrary: hostileValue(schema) },
  ];
  if (!required) choices.push({ weight: 1, arbitrary: fc.constant(undefined) });
  return fc.oneof(...choices);
}

function objectOf(schema: Schema, known: Known, hostile: boolean): fc.Arbitrary<Record<string, unknown>> {
  const required = new Set(schema.required ?? []);
  const fields = Object.entries(schema.properties ?? {}).map(([name, property]) =>
    (hostile ? valueFor(name, property, known, required.has(name)) : validValue(property, known)).map(
      (value) => [name, value] as const,
    ),
  );
  return fc
    .tuple(
      fc.tuple(...fields),
      fc.option(fc.dictionary(fc.string({ maxLength: 8 }), fc.jsonValue({ maxDepth: 1 }), { maxKeys: 2 })),
    )
    .map(([entries, extra]) => {
      const object: Record<string, unknown> = { ...(hostile ? extra : {}) };
      for (const [name, value] of entries) if (value !== undefined) object[name] = value;
      return object;
    });
}

/** A body for `schema`: field by field valid, hostile or missing; or a whole body of the wrong kind. */
export function bodyFor(schema: Schema | undefined, known: Known): fc.Arbitrary<string | undefined> {
  const wrongKind = fc.oneof(
    fc.jsonValue({ maxDepth: 2 }).map((value) => JSON.stringify(value) ?? 'null'),
    fc.constantFrom(
      '{',
      '{"a":',
      'nul',
      '[',
      '"\\u00"',
      '{"__proto__":{"polluted":1}}',
      '{"constructor":{"prototype":{"polluted":1}}}',
    ),
    fc.constantFrom(100_000, 2_000_000).map((n) => JSON.stringify({ big: 'x'.repeat(n) })),
  );
  if (!schema) return fc.oneof(fc.constant(undefined), wrongKind);
  return fc.oneof(
    { weight: 6, arbitrary: objectOf(schema, known, true).map((object) => JSON.stringify(object)) },
    { weight: 1, arbitrary: wrongKind },
    { weight: 1, arbitrary: fc.constant(undefined) },
  );
}

export interface GeneratedRequest {
  method: string;
  url: string;
  headers: Record<string, string>;
  payload: string | undefined;
}

/** Text of a parameter value as it goes into a URL or a header (objects and arrays as JSON). */
function text(value: unknown): string {
  return typeof value === 'string' ? value : (JSON.stringify(value) ?? '');
}

/** Requests for one operation; `authorization` supplies the credential a secured route is tried with. */
export function requestsFor(
  operation: Operation,
  known: Known,
  authorization: fc.Arbitrary<string | undefined>,
): fc.Arbitrary<GeneratedRequest> {
  const params = operation.parameters.map((parameter) =>
    valueFor(
      parameter.name,
      parameter.schema ?? {},
      known,
      parameter.in === 'path' || parameter.required === true,
    ).map((value) => ({ parameter, value })),
  );
  return fc
    .record({
      params: fc.tuple(...params),
      body:
        operation.method === 'GET' || operation.method === 'DELETE'
          ? fc.constant(undefined)
          : bodyFor(operation.body, known),
      authorization,
      contentType: fc.constantFrom(
        'application/json',
        'application/json',
        'application/json',
        'text/plain',
        'application/json; charset=latin1',
        '',
      ),
    })
    .map(({ params: values, body, authorization: credential, contentType }) => {
      let path = operation.path;
      const query: string[] = [];
      const headers: Record<string, string> = {};
      for (const { parameter, value } of values) {
        if (value === undefined) continue;
        if (parameter.in === 'path')
          path = path.replace(`{${parameter.name}}`, encodeURIComponent(text(value)));
        else if (parameter.in === 'query') {
          // An array is repeated keys, as a browser sends a multi-value field.
          const items = Array.isArray(value) ? value : [value];
          for (const item of items)
            query.push(`${encodeURIComponent(parameter.name)}=${encodeURIComponent(text(item))}`);
        } else if (parameter.in === 'header') {
          // Header values are Latin-1 without control bytes, or the client library throws before sending.
          headers[parameter.name] = text(value)
            .replace(/[^\x20-\x7e]/g, '?')
            .slice(0, 8_000);
        }
      }
      if (credential !== undefined) headers.authorization = credential;
      if (body !== undefined && contentType) headers['content-type'] = contentType;
      return {
        method: operation.method,
        url: query.length > 0 ? `${path}?${query.join('&')}` : path,
        headers,
        payload: body,
      };
    });
}
