import { Type } from 'typebox';
import { describe, expect, it } from 'vitest';
import { ConfigError, configTable, Env, readEnv } from './config.ts';

const Schema = Type.Object({
  HOST: Env.string({ default: '127.0.0.1', description: 'interface to listen on' }),
  PORT: Env.integer({ default: 8080, minimum: 0, maximum: 65535, description: 'port' }),
  POOL: Env.integer({ default: 10, minimum: 1, description: 'pool size' }),
  SPEED: Env.positive({ default: 1, description: 'clock speed' }),
  JOBS: Env.boolean({ default: true, description: 'background jobs' }),
  MODE: Env.oneOf(['legacy', 'hardened'] as const, { default: 'hardened', description: 'profile' }),
  TARGET: Env.url({ default: 'http://127.0.0.1:8081', description: 'where to call' }),
  TOKEN: Env.string({ defaultText: 'generated and printed', description: 'admin token' }),
  LIST: Env.string({ emptyIsValue: true, defaultText: "the profile's set", description: 'a list' }),
});

describe('reading a configuration schema from the environment', () => {
  it('gives each variable its default when unset or empty, and its typed value when set', () => {
    expect(readEnv(Schema, {})).toEqual({
      HOST: '127.0.0.1',
      PORT: 8080,
      POOL: 10,
      SPEED: 1,
      JOBS: true,
      MODE: 'hardened',
      TARGET: 'http://127.0.0.1:8081',
      TOKEN: undefined,
      LIST: undefined,
    });
    const read = readEnv(Schema, {
      HOST: '',
      PORT: '0',
      SPEED: '720',
      JOBS: 'no',
      MODE: 'legacy',
      TOKEN: 't',
    });
    expect(read).toMatchObject({
      HOST: '127.0.0.1',
      PORT: 0,
      SPEED: 720,
      JOBS: false,
      MODE: 'legacy',
      TOKEN: 't',
    });
  });

  it('keeps an empty value where the variable says empty means something', () => {
    expect(readEnv(Schema, { LIST: '' }).LIST).toBe('');
  });

  it('refuses a wrong value with one ConfigError naming the variable, the value and a mend', () => {
    const cases: [Record<string, string>, RegExp][] = [
      [{ POOL: 'ten' }, /^POOL="ten" is not an integer >= 1; for example POOL=10$/],
      [{ POOL: '0' }, /^POOL="0" is not an integer >= 1/],
      [{ PORT: '70000' }, /^PORT="70000" is not an integer in 0-65535/],
      [{ PORT: '-1' }, /^PORT="-1" is not an integer in 0-65535/],
      [{ SPEED: '-2' }, /^SPEED="-2" is not a positive number; for example SPEED=1$/],
      [{ SPEED: 'Infinity' }, /^SPEED="Infinity" is not a positive number/],
      [{ JOBS: 'maybe' }, /^JOBS="maybe" is not a boolean; use true or false$/],
      [{ MODE: 'medium' }, /^MODE="medium" is unknown: use legacy or hardened$/],
      [
        { TARGET: 'not a url' },
        /^TARGET="not a url" is not a URL; for example TARGET=http:\/\/127.0.0.1:8081$/,
      ],
    ];
    for (const [env, message] of cases) {
      let thrown: unknown;
      try {
        readEnv(Schema, env);
      } catch (error) {
        thrown = error;
      }
      expect(thrown, JSON.stringify(env)).toBeInstanceOf(ConfigError);
      expect((thrown as Error).message).toMatch(message);
    }
  });
});

describe('the configuration table', () => {
  it('lists every variable with its default (literal or described) and meaning, columns aligned', () => {
    const lines = configTable(Schema).split('\n');
    expect(lines[0]).toMatch(/^\| variable +\| default +\| meaning +\|$/);
    expect(lines[1]).toMatch(/^\| -+ \| -+ \| -+ \|$/);
    expect(lines).toHaveLength(2 + Object.keys(Schema.properties).length);
    expect(lines[2]).toMatch(/^\| `HOST` +\| `127\.0\.0\.1` +\| interface to listen on +\|$/);
    expect(lines.find((line) => line.includes('`TOKEN`'))).toMatch(
      /\| generated and printed +\| admin token/,
    );
    expect(new Set(lines.map((line) => line.length)).size).toBe(1);
  });
});
