// The request validator both services use: Ajv set up as Fastify sets it up (coercion of query strings,
// defaults, formats), plus one rule Ajv lacks. Ajv coerces the text "1e400" or "Infinity" (in a query
// string, a header, or a JSON string where a number is due) to Infinity and then skips its range checks,
// which only look at finite numbers: `days=1e400` passed `maximum: 62` and reached the domain, which
// answered 500 (or, for `accounts: "1e400"`, seeded forever). No valid request holds a non-finite number
// (JSON cannot write one), so a validated value that contains one is refused as invalid.
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

/** The JSON pointer of the first non-finite number in `value`, or undefined when there is none. */
export function nonFinitePath(value: unknown, path = ''): string | undefined {
  if (typeof value === 'number') return Number.isFinite(value) ? undefined : path;
  if (value === null || typeof value !== 'object') return undefined;
  for (const [key, item] of Object.entries(value)) {
    const found = nonFinitePath(item, `${path}/${key.replace(/~/g, '~0').replace(/\//g, '~1')}`);
    if (found !== undefined) return found;
  }
  return undefined;
}

/** A Fastify validator compiler: Ajv's verdict, then the finite-number rule on what Ajv coerced. */
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
      const instancePath = nonFinitePath(value);
      if (instancePath === undefined) return true;
      validate.errors = [
        { instancePath, schemaPath: '#', keyword: 'finite', params: {}, message: 'must be a finite number' },
      ];
      return false;
    };
    validate.errors = null as ErrorObject[] | null;
    // Fastify passes the parent (so Ajv may coerce a root value) only to validators that carry this.
    Object.assign(validate, { schemaEnv: check.schemaEnv });
    return validate;
  };
}
