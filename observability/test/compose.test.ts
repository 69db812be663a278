// docker-compose.yml checked without Docker: against the Compose Specification's own JSON schema
// (../shared/schemas/compose-spec.json, beside the checkout: test/support/shared-schemas.ts), then
// against the repository: mounted paths exist, Prometheus scrapes and Grafana datasources point at real
// service ports, every service has a health check, the environment variables given to the API and the
// simulator are ones they read, and the API takes its profile, defects and clock from the environment.
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Ajv } from 'ajv';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { serviceVariables } from './support/service-variables.ts';
import { schemasRequired, sharedSchema } from './support/shared-schemas.ts';

const repo = fileURLToPath(new URL('../../', import.meta.url));
const read = (path: string) => readFileSync(`${repo}${path}`, 'utf8');

interface Service {
  image: string;
  command?: string[];
  /** A variable without a value (null) is passed through from the caller's environment. */
  environment?: Record<string, string | null>;
  ports?: string[];
  volumes?: string[];
  depends_on?: Record<string, { condition: string }>;
  profiles?: string[];
  healthcheck?: { test: string[] };
}

const compose = parse(read('docker-compose.yml'), { merge: true }) as {
  services: Record<string, Service>;
};

/** The container ports a service publishes. */
function containerPorts(service: Service | undefined): number[] {
  return (service?.ports ?? []).map((port) => Number(port.split(':')[1]));
}

describe('docker-compose.yml', () => {
  const schemaPath = sharedSchema(
    'compose-spec.json',
    'the Compose Specification check of docker-compose.yml',
  );

  it('has the Compose Specification schema beside the checkout when running in CI', () => {
    expect(
      schemaPath !== null || !schemasRequired(),
      'CI=true but ../shared/schemas/compose-spec.json is missing',
    ).toBe(true);
  });

  if (schemaPath) {
    it('is valid against the Compose Specification JSON schema', () => {
      const schema = JSON.parse(readFileSync(schemaPath, 'utf8')) as Record<string, unknown>;
      // The schema names draft-07 by an https URL Ajv does not know; Ajv's default dialect is draft-07.
      delete schema.$schema;
      const ajv = new Ajv({ allErrors: true, strict: false });
      const validate = ajv.compile(schema);
      // Validated as written (anchors and merge keys resolved, as compose does), with ${...} unexpanded.
      const raw = parse(read('docker-compose.yml'), { merge: true }) as Record<string, unknown>;
      expect(validate(raw), ajv.errorsText(validate.errors)).toBe(true);
    });

    it('the schema refuses a misspelt key (the check is live)', () => {
      const schema = JSON.parse(readFileSync(schemaPath, 'utf8')) as Record<string, unknown>;
      delete schema.$schema;
      const validate = new Ajv({ strict: false }).compile(schema);
      expect(
        validate({ services: { api: { image: 'node:24', helthcheck: { test: ['CMD', 'true'] } } } }),
      ).toBe(false);
    });
  }

  it('gives every service a health check', () => {
    for (const [name, service] of Object.entries(compose.services)) {
      expect(service.healthcheck?.test.length ?? 0, name).toBeGreaterThan(1);
    }
  });

  it("takes the API's profile, defects and clock from the environment, the simulator's clock with it", () => {
    const api = compose.services.api?.environment ?? {};
    expect(api.PROFILE).toBe(['$', '{PROFILE:-hardened}'].join(''));
    expect(api.CLOCK_SPEED).toBe(['$', '{CLOCK_SPEED:-1}'].join(''));
    // Passed through only when set: an empty DEFECTS would replace the profile's set with none.
    expect('DEFECTS' in api && api.DEFECTS === null).toBe(true);
    expect(api.CLOCK_EPOCH).toBeNull();
    const billing = compose.services['billing-sim']?.environment ?? {};
    expect(billing.CLOCK_SPEED).toBe(api.CLOCK_SPEED);
    expect('CLOCK_EPOCH' in billing && billing.CLOCK_EPOCH === null).toBe(true);
  });

  it('runs k6 at v0.57.0 or later, which loads the TypeScript scenarios without a flag', () => {
    const tag = /^grafana\/k6:(\d+)\.(\d+)\.(\d+)$/.exec(compose.services.k6?.image ?? '');
    expect(tag, compose.services.k6?.image).not.toBeNull();
    const [major, minor] = [Number(tag?.[1]), Number(tag?.[2])];
    expect(major > 0 || minor >= 57).toBe(true);
    expect(compose.services.k6?.command?.join(' ')).not.toContain('compatibility-mode');
  });

  it('has every service of the stack, and k6 only under the load profile', () => {
    expect(Object.keys(compose.services).sort()).toEqual(
      ['api', 'billing-sim', 'grafana', 'jaeger', 'k6', 'otel-collector', 'postgres', 'prometheus'].sort(),
    );
    for (const [name, service] of Object.entries(compose.services)) {
      expect(service.profiles ?? [], name).toEqual(name === 'k6' ? ['load'] : []);
    }
  });

  it('mounts only files and folders that exist in the repository', () => {
    const mounts = Object.values(compose.services).flatMap((service) => service.volumes ?? []);
    const bind = mounts
      .map((mount) => mount.split(':')[0] as string)
      .filter((source) => source.startsWith('.'));
    expect(bind.length).toBeGreaterThan(4);
    for (const source of bind) expect(existsSync(`${repo}${source}`), source).toBe(true);
  });

  it('depends only on services that exist', () => {
    for (const [name, service] of Object.entries(compose.services)) {
      for (const dependency of Object.keys(service.depends_on ?? {})) {
        expect(compose.services[dependency], `${name} -> ${dependency}`).toBeDefined();
      }
    }
  });

  it('Prometheus scrapes service ports that compose publishes', () => {
    const config = parse(read('observability/prometheus/prometheus.yml')) as {
      scrape_configs: Array<{ job_name: string; static_configs: Array<{ targets: string[] }> }>;
    };
    const targets = config.scrape_configs.flatMap((job) => job.static_configs.flatMap((c) => c.targets));
    const inCompose = targets.filter((target) => !target.startsWith('host.docker.internal:'));
    expect(inCompose.sort()).toEqual(['api:8080', 'billing-sim:8081']);
    for (const target of inCompose) {
      const [host, port] = target.split(':');
      expect(containerPorts(compose.services[host as string]), target).toContain(Number(port));
    }
    // The runner runs on the host: Prometheus reaches it through host.docker.internal.
    expect(compose.services.prometheus?.command).toContain('--enable-feature=exemplar-storage');
  });

  it('Grafana datasources point at compose services and their ports', () => {
    const provisioning = parse(read('observability/grafana/provisioning/datasources/datasources.yml')) as {
      datasources: Array<{ name: string; url: string }>;
    };
    const expected: Record<string, number> = { prometheus: 9090, jaeger: 16686 };
    for (const datasource of provisioning.datasources) {
      const url = new URL(datasource.url);
      expect(compose.services[url.hostname], datasource.name).toBeDefined();
      expect(Number(url.port), datasource.name).toBe(expected[url.hostname]);
      expect(containerPorts(compose.services[url.hostname]), datasource.name).toContain(Number(url.port));
    }
  });

  it('the OTLP endpoint and the collector export match compose services', () => {
    const collector = parse(read('observability/otel-collector/config.yaml')) as {
      exporters: Record<string, { endpoint: string }>;
    };
    expect(collector.exporters['otlp/jaeger']?.endpoint).toBe('jaeger:4317');
    for (const name of ['api', 'billing-sim']) {
      const endpoint = compose.services[name]?.environment?.OTEL_EXPORTER_OTLP_ENDPOINT ?? '';
      const url = new URL(endpoint);
      expect(url.hostname, name).toBe('otel-collector');
      expect(containerPorts(compose.services['otel-collector']), name).toContain(Number(url.port));
    }
  });

  it('gives the API and the simulator only variables they read', () => {
    const { api, billing, telemetry } = serviceVariables();
    expect(api.has('BILLING_URL') && billing.has('API_URL') && telemetry.has('OTEL_SERVICE_NAME')).toBe(true);
    for (const name of Object.keys(compose.services.api?.environment ?? {})) {
      expect(api.has(name) || telemetry.has(name), `api: ${name}`).toBe(true);
    }
    for (const name of Object.keys(compose.services['billing-sim']?.environment ?? {})) {
      expect(billing.has(name) || telemetry.has(name), `billing-sim: ${name}`).toBe(true);
    }
  });

  it('k6 runs a scenario that exists, with the variables the scenarios read', () => {
    const k6 = compose.services.k6;
    expect(existsSync(`${repo}load-scenarios/smoke.ts`)).toBe(true);
    expect(k6?.command?.at(-1)).toBe(['/scripts/$', '{SCENARIO:-smoke.ts}'].join(''));
    const env = read('load-scenarios/lib/env.ts');
    for (const name of ['API_URL', 'BILLING_URL', 'ADMIN_TOKEN', 'SHORT']) {
      expect(env, name).toContain(`__ENV.${name}`);
      expect(k6?.environment?.[name], name).toBeDefined();
    }
  });
});
