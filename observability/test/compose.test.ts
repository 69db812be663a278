// docker-compose.yml checked without Docker. The compose-spec JSON schema is not available offline from
// an installed package, so the file is validated against a strict schema of the subset it uses (written
// here: unknown keys are refused, so a misspelt key fails). Then cross-checks against the repository:
// mounted paths exist, Prometheus scrapes and Grafana datasources point at real service ports, and the
// environment variables given to the API and the simulator are ones they read.
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Ajv } from 'ajv';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';

const repo = fileURLToPath(new URL('../../', import.meta.url));
const read = (path: string) => readFileSync(`${repo}${path}`, 'utf8');

interface Service {
  image: string;
  command?: string[];
  environment?: Record<string, string>;
  ports?: string[];
  volumes?: string[];
  depends_on?: Record<string, { condition: string }>;
  profiles?: string[];
}

const compose = parse(read('docker-compose.yml'), { merge: true }) as {
  services: Record<string, Service>;
};

const stringList = { type: 'array', items: { type: 'string', minLength: 1 } };
const serviceSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['image'],
  properties: {
    image: { type: 'string', pattern: '^[a-z0-9./_-]+:[A-Za-z0-9._-]+$' },
    working_dir: { type: 'string' },
    command: stringList,
    environment: {
      type: 'object',
      propertyNames: { pattern: '^[A-Z][A-Z0-9_]*$' },
      additionalProperties: { type: 'string' },
    },
    ports: { type: 'array', items: { type: 'string', pattern: '^\\d+:\\d+$' } },
    volumes: { type: 'array', items: { type: 'string', pattern: '^[^:]+:/[^:]*(:ro)?$' } },
    extra_hosts: stringList,
    restart: { enum: ['no', 'always', 'on-failure', 'unless-stopped'] },
    profiles: stringList,
    depends_on: {
      type: 'object',
      additionalProperties: {
        type: 'object',
        additionalProperties: false,
        required: ['condition'],
        properties: {
          condition: { enum: ['service_started', 'service_healthy', 'service_completed_successfully'] },
        },
      },
    },
    healthcheck: {
      type: 'object',
      additionalProperties: false,
      required: ['test'],
      properties: {
        test: { type: 'array', items: { type: 'string' }, minItems: 2 },
        interval: { type: 'string', pattern: '^\\d+(ms|s|m)$' },
        timeout: { type: 'string', pattern: '^\\d+(ms|s|m)$' },
        retries: { type: 'integer', minimum: 1 },
        start_period: { type: 'string', pattern: '^\\d+(ms|s|m)$' },
      },
    },
  },
};
const composeSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['services'],
  properties: {
    name: { type: 'string', pattern: '^[a-z0-9][a-z0-9_-]*$' },
    services: { type: 'object', additionalProperties: serviceSchema },
    volumes: { type: 'object', additionalProperties: { type: 'null' } },
  },
  patternProperties: { '^x-': {} },
};

/** The container ports a service publishes. */
function containerPorts(service: Service | undefined): number[] {
  return (service?.ports ?? []).map((port) => Number(port.split(':')[1]));
}

/** Variable names in the first column of the markdown tables of a file. */
function tableVariables(text: string): Set<string> {
  return new Set([...text.matchAll(/^\|\s*`?([A-Z][A-Z0-9_]+)`?\s*\|/gm)].map((match) => match[1] as string));
}
/** Variable names in a `// | NAME |` comment table. */
function commentTableVariables(text: string): Set<string> {
  return new Set([...text.matchAll(/^\/\/ \| ([A-Z][A-Z0-9_]+)\s+\|/gm)].map((match) => match[1] as string));
}

describe('docker-compose.yml', () => {
  it('matches the strict schema of the compose subset it uses', () => {
    const ajv = new Ajv({ allErrors: true });
    const validate = ajv.compile(composeSchema);
    const raw = parse(read('docker-compose.yml'), { merge: true }) as Record<string, unknown>;
    expect(validate(raw), ajv.errorsText(validate.errors)).toBe(true);
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
    const telemetry = tableVariables(read('target-api/telemetry/README.md'));
    const api = tableVariables(read('target-api/README.md'));
    const billing = commentTableVariables(read('target-api/billing-sim/src/config.ts'));
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
