// The request validator both services use: Ajv set up as Fastify sets it up (coercion of query strings,
// defaults, formats), plus two rules Ajv lacks, on what it validated:
// - no non-finite number. Ajv coerces the text "1e400" or "Infinity" (in a query string, a header, or a
//   JSON string where a number is due) to Infinity and then skips its range checks, which only look at
//   finite numbers: `days=1e400` passed `maximum: 62` and reached the domain, which answered 500 (or,
//   for `accounts: "1e400"`, seeded forever). JSON cannot write one, so no valid request holds one;
// - no U+0000 in a string. PostgreSQL's text cannot hold it ("invalid byte sequence for encoding UTF8:
//   0x00"): a registration named "\u0000" reached the INSERT and was answered 500 (the OpenAPI fuzz
//   test, 3 Dec). No name, e-mail or code of this service has a use for it.
import { Ajv, type AnySchema, type ErrorObject, type ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';
import type { FastifySchemaCompiler } from 'fastify';

type DataContext = Parameters<ValidateFunction>[1];

// ajv-formats is CommonJS; its typings name the plugin as the default export of the default export.
const addFormats = addFormatsModule as unknown as typeof addFormatsModule.default;

/** Fastify's own Ajv options (`@fastify/ajv-compiler`): the behaviour routes were written against. */
const FASTIFY_AJV_OPTIONS = {
  coerceTypes: 'array',
  useDefaults: true,
  removeAdditional: true,
  addUsedSchema: false,
  // allErrors would let one request make the validator do unbounded work.
  allErrors: false,
} as const;

/** A value the two rules refuse: where it is (a JSON pointer) and why. */
export interface Unstorable {
  instancePath: string;
  keyword: 'finite' | 'no-nul';
  message: string;
}

/** The first non-finite number or string holding U+0000 in `value` (keys included), or undefined. */
export function unstorableValue(value: unknown, path = ''): Unstorable | undefined {
  if (typeof value === 'number')
    return Number.isFinite(value)
      ? undefined
      : { instancePath: path, keyword: 'finite', message: 'must be a finite number' };
  if (typeof value === 'string')
    return value.includes('\u0000')
      ? { instancePath: path, keyword: 'no-nul', message: 'must not contain the character U+0000' }
      : undefined;
  if (value === null || typeof value !== 'object') return undefined;
  for (const [key, item] of Object.entries(value)) {
    const at = `${path}/${key.replace(/~/g, '~0').replace(/\//g, '~1')}`;
    const found = unstorableValue(key, at) ?? unstorableValue(item, at);
    if (found !== undefined) return found;
  }
  return undefined;
}

/** A Fastify validator compiler: Ajv's verdict, then the two rules above on what Ajv coerced. */
export function createValidatorCompiler(): FastifySchemaCompiler<AnySchema> {
  const ajv = new Ajv(FASTIFY_AJV_OPTIONS);
  addFormats(ajv);
  return ({ schema }) => {
    const check = ajv.compile(schema);
    const validate = (data: unknown, context?: DataContext): boolean => {
      if (!check(data, context)) {
        validate.errors = check.errors ?? null;
        return false;
      }
      // Ajv writes a coerced root value into its parent, not into `data`.
      const value = context
        ? (context.parentData as Record<string | number, unknown>)[context.parentDataProperty]
        : data;
      const found = unstorableValue(value);
      if (found === undefined) return true;
      validate.errors = [{ ...found, schemaPath: '#', params: {} }];
      return false;
    };
    validate.errors = null as ErrorObject[] | null;
    // Fastify passes the parent (so Ajv may coerce a root value) only to validators that carry this.
    Object.assign(validate, { schemaEnv: check.schemaEnv });
    return validate;
  };
}
