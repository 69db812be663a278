// A service's configuration as one TypeBox schema of environment variables: each variable's type,
// bounds, default and meaning in one place. `readEnv` reads and validates them once (one ConfigError
// naming the variable and how to mend it); `configTable` renders the README's table from the same schema.
import {
  type Static,
  type TBoolean,
  type TInteger,
  type TNumber,
  type TObject,
  type TSchema,
  type TString,
  Type,
} from 'typebox';
import { Value } from 'typebox/value';

export class ConfigError extends Error {
  readonly code = 'ERR_CONFIG';
  constructor(message: string) {
    super(message);
    this.name = 'ConfigError';
  }
}

type Env = Record<string, string | undefined>;

/** What the README says beside a variable: its meaning, and its default when no literal default fits. */
type Doc = {
  description: string;
  /** Shown instead of the literal default ("generated and printed", "unset: PGlite"). */
  defaultText?: string;
  /** A value for the error message's "for example" when the default cannot serve. */
  example?: string;
  /** An empty value is a value (DEFECTS="" means none), not "unset". */
  emptyIsValue?: boolean;
};

/** A schema that carries its default in its type, so a variable with one reads as never undefined. */
type Defaulted<T, D> = D extends { default: infer V } ? T & { default: V } : T;

/** The schema vocabulary of a configuration: every variable is one of these. */
export const Env = {
  string: <D extends Doc & { default?: string }>(doc: D) => Type.String({ ...doc }) as Defaulted<TString, D>,
  url: <D extends Doc & { default?: string }>(doc: D) =>
    Type.String({ ...doc, format: 'uri' }) as Defaulted<TString, D>,
  integer: <D extends Doc & { default?: number; minimum: number; maximum?: number }>(doc: D) =>
    Type.Integer({ ...doc }) as Defaulted<TInteger, D>,
  positive: (doc: Doc & { default: number }) =>
    Type.Number({ ...doc, exclusiveMinimum: 0 }) as TNumber & { default: number },
  boolean: (doc: Doc & { default: boolean }) => Type.Boolean({ ...doc }) as TBoolean & { default: boolean },
  oneOf: <const T extends readonly string[]>(values: T, doc: Doc & { default: T[number] }) =>
    Type.Union(
      values.map((value) => Type.Literal(value)),
      doc,
      // The literals' union is what TypeBox checks; the type says which strings come out.
    ) as unknown as TSchema & { default: T[number]; '~value': T[number] },
};

interface Annotated {
  type?: string;
  format?: string;
  default?: unknown;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  anyOf?: { const: string }[];
  description?: string;
  defaultText?: string;
  example?: string;
  emptyIsValue?: boolean;
}

const annotated = (schema: TSchema) => schema as unknown as Annotated;

/** Why `raw` is refused, and how to mend it, in the words an operator reads. */
function refusal(name: string, raw: string, schema: Annotated): string {
  const example = schema.example ?? (schema.default !== undefined ? String(schema.default) : undefined);
  const forExample = example === undefined ? '' : `; for example ${name}=${example}`;
  if (schema.anyOf)
    return `${name}="${raw}" is unknown: use ${schema.anyOf.map((o) => o.const).join(' or ')}`;
  if (schema.type === 'boolean') return `${name}="${raw}" is not a boolean; use true or false`;
  if (schema.type === 'integer') {
    const range =
      schema.maximum === undefined ? `>= ${schema.minimum}` : `in ${schema.minimum}-${schema.maximum}`;
    return `${name}="${raw}" is not an integer ${range}${forExample}`;
  }
  if (schema.type === 'number') return `${name}="${raw}" is not a positive number${forExample}`;
  if (schema.format === 'uri') return `${name}="${raw}" is not a URL${forExample}`;
  return `${name}="${raw}" is not valid${forExample}`;
}

/** The environment's text as the schema's type; undefined when it cannot be one. */
function convert(raw: string, schema: Annotated): unknown {
  if (schema.type === 'integer') return /^\d+$/.test(raw) ? Number(raw) : undefined;
  if (schema.type === 'number') return raw.trim() === '' ? undefined : Number(raw);
  if (schema.type === 'boolean') {
    if (['1', 'true', 'yes'].includes(raw)) return true;
    if (['0', 'false', 'no'].includes(raw)) return false;
    return undefined;
  }
  // The services hand the value to `new URL`: what it cannot parse is refused here, not at first use.
  if (schema.format === 'uri') return URL.canParse(raw) ? raw : undefined;
  return raw;
}

/** The value of each variable the schema names: from `env` when set and not empty, else its default. */
export type EnvValues<S extends TObject> = {
  [K in keyof S['properties']]: S['properties'][K] extends { '~value': infer V }
    ? V
    : S['properties'][K] extends { default: unknown }
      ? Static<S['properties'][K]>
      : Static<S['properties'][K]> | undefined;
};

export function readEnv<S extends TObject>(schema: S, env: Env): EnvValues<S> {
  const values: Record<string, unknown> = {};
  for (const [name, property] of Object.entries(schema.properties)) {
    const meta = annotated(property);
    const raw = env[name];
    if (raw === undefined || (raw === '' && meta.emptyIsValue !== true)) {
      values[name] = meta.default;
      continue;
    }
    const value = convert(raw, meta);
    if (value === undefined || !Value.Check(property, value)) throw new ConfigError(refusal(name, raw, meta));
    values[name] = value;
  }
  return values as EnvValues<S>;
}

/** The Markdown table of a configuration schema: variable, default, meaning; columns padded. */
export function configTable(schema: TObject): string {
  const rows = Object.entries(schema.properties).map(([name, property]) => {
    const meta = annotated(property);
    const fallback =
      meta.defaultText ?? (meta.default === undefined ? 'unset' : `\`${String(meta.default)}\``);
    return [`\`${name}\``, fallback, meta.description ?? ''];
  });
  const header = ['variable', 'default', 'meaning'];
  const widths = header.map((title, column) =>
    Math.max(title.length, ...rows.map((row) => (row[column] ?? '').length)),
  );
  const line = (cells: string[]) => `| ${cells.map((cell, i) => cell.padEnd(widths[i] ?? 0)).join(' | ')} |`;
  return [line(header), line(widths.map((width) => '-'.repeat(width))), ...rows.map(line)].join('\n');
}
