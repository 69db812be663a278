// load-scenarios/k8s: the k6-operator TestRun against the operator's own CRD schema (its
// openAPIV3Schema, from ../shared/schemas/ beside the checkout), naming a scenario that exists; and the
// target's manifests (target/: API, billing simulator, PostgreSQL) checked structurally, as the cluster
// would wire them: selectors match pod labels, Services reach named container ports, probes hit the
// services' health routes, secrets and keys exist, every variable is one the service reads, and the
// TestRun's URLs name the target's Services and ports.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { fileURLToPath } from 'node:url';
import { serviceVariables } from '@paspor-lab/observability/testing/service-variables';
import { schemasRequired, sharedSchema } from '@paspor-lab/observability/testing/shared-schemas';
import { Ajv } from 'ajv';
import { describe, expect, it } from 'vitest';
import { parse, parseAllDocuments } from 'yaml';

const k8sDir = fileURLToPath(new URL('../../load-scenarios/k8s/', import.meta.url));
const targetDir = `${k8sDir}target/`;
const scenariosDir = fileURLToPath(new URL('../../load-scenarios/', import.meta.url));

interface EnvVar {
  name: string;
  value?: string;
  valueFrom?: { secretKeyRef?: { name: string; key: string } };
}
interface Container {
  name: string;
  image: string;
  command?: string[];
  ports?: { name?: string; containerPort: number }[];
  env?: EnvVar[];
  readinessProbe?: Probe;
  livenessProbe?: Probe;
}
interface Probe {
  httpGet?: { path: string; port: string | number };
  exec?: { command: string[] };
}
interface Manifest {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string> };
  spec?: {
    selector?: { matchLabels?: Record<string, string> } & Record<string, string>;
    template?: { metadata: { labels: Record<string, string> }; spec: { containers: Container[] } };
    ports?: { name?: string; port: number; targetPort: string | number }[];
  };
  stringData?: Record<string, string>;
}
interface TestRun {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string };
  spec: {
    parallelism: number;
    script: { localFile?: string; configMap?: { file: string } };
    runner?: { env?: EnvVar[] };
  };
}

const testRuns = readdirSync(k8sDir).filter((f) => f.endsWith('.yaml') || f.endsWith('.yml'));
const target: Manifest[] = readdirSync(targetDir)
  .filter((f) => f.endsWith('.yaml'))
  .flatMap((f) =>
    parseAllDocuments(readFileSync(`${targetDir}${f}`, 'utf8')).map((d) => d.toJSON() as Manifest),
  );

describe('load-scenarios/k8s TestRun manifests', () => {
  const crdPath = sharedSchema('k6.io_testruns.yaml', 'the TestRun check against the k6-operator CRD');

  it('has the k6-operator CRD beside the checkout when running in CI', () => {
    expect(
      crdPath !== null || !schemasRequired(),
      'CI=true but ../shared/schemas/k6.io_testruns.yaml is missing',
    ).toBe(true);
  });

  it('holds at least one manifest', () => {
    expect(testRuns.length).toBeGreaterThan(0);
  });

  const validate = (() => {
    if (!crdPath) return null;
    const crd = parse(readFileSync(crdPath, 'utf8')) as {
      spec: { versions: { name: string; schema: { openAPIV3Schema: object } }[] };
    };
    const schema = crd.spec.versions.find((v) => v.name === 'v1alpha1')?.schema.openAPIV3Schema;
    if (!schema) throw new Error('the CRD has no v1alpha1 openAPIV3Schema');
    // x-kubernetes-* keywords are Kubernetes' own; formats (int32, int64) are widths the API server checks.
    return new Ajv({ allErrors: true, strict: false, validateFormats: false }).compile(schema);
  })();

  if (validate) {
    it("the CRD's schema refuses a spec field of the wrong type (the check is live)", () => {
      expect(validate({ apiVersion: 'k6.io/v1alpha1', kind: 'TestRun', spec: { parallelism: 'four' } })).toBe(
        false,
      );
    });
  }

  for (const file of testRuns) {
    const doc = parse(readFileSync(`${k8sDir}${file}`, 'utf8')) as TestRun;

    if (validate) {
      it(`${file} is valid against the k6-operator TestRun CRD`, () => {
        expect(validate(doc), JSON.stringify(validate.errors, null, 1)).toBe(true);
      });
    }

    it(`${file} is a TestRun naming an existing scenario and the target's Services`, () => {
      expect(doc.apiVersion).toBe('k6.io/v1alpha1');
      expect(doc.kind).toBe('TestRun');
      expect(doc.spec.parallelism).toBeGreaterThanOrEqual(1);
      const script = doc.spec.script.localFile ?? doc.spec.script.configMap?.file ?? '';
      expect(existsSync(`${scenariosDir}${basename(script)}`)).toBe(true);
      const env = Object.fromEntries((doc.spec.runner?.env ?? []).map((e) => [e.name, e]));
      for (const name of ['API_URL', 'BILLING_URL']) {
        const url = new URL(env[name]?.value ?? '');
        const [service, namespace] = url.hostname.split('.');
        const found = target.find((m) => m.kind === 'Service' && m.metadata.name === service);
        expect(found?.metadata.name, `${name} names Service ${service}`).toBe(service);
        expect(namespace).toBe(found?.metadata.namespace);
        expect(found?.spec?.ports?.map((p) => p.port)).toContain(Number(url.port));
      }
      const admin = env.ADMIN_TOKEN?.valueFrom?.secretKeyRef;
      expect(secretHas(admin?.name, admin?.key), 'ADMIN_TOKEN secret').toBe(true);
      expect(doc.metadata.namespace, 'the secret must be in the TestRun namespace').toBe('paspor-lab');
    });
  }
});

function secretHas(name: string | undefined, key: string | undefined): boolean {
  const secret = target.find((m) => m.kind === 'Secret' && m.metadata.name === name);
  return key !== undefined && secret?.stringData?.[key] !== undefined;
}

const workloads = target.filter((m) => m.kind === 'Deployment' || m.kind === 'StatefulSet');

describe('load-scenarios/k8s/target manifests', () => {
  it('define the API, the billing simulator and PostgreSQL, each with a Service', () => {
    const names = workloads.map((m) => m.metadata.name).sort();
    expect(names).toEqual(['paspor-api', 'paspor-billing', 'paspor-postgres']);
    for (const name of names) {
      expect(
        target.some((m) => m.kind === 'Service' && m.metadata.name === name),
        name,
      ).toBe(true);
    }
  });

  it('put everything in the paspor-lab namespace the manifests create', () => {
    expect(target.some((m) => m.kind === 'Namespace' && m.metadata.name === 'paspor-lab')).toBe(true);
    for (const m of target.filter((x) => x.kind !== 'Namespace')) {
      expect(m.metadata.namespace, `${m.kind}/${m.metadata.name}`).toBe('paspor-lab');
    }
  });

  for (const workload of workloads) {
    const name = workload.metadata.name;
    const template = workload.spec?.template;
    const containers = template?.spec.containers ?? [];

    it(`${name}: the selector matches the pod labels, probes and ports line up, secrets exist`, () => {
      const labels = template?.metadata.labels ?? {};
      const selector = workload.spec?.selector?.matchLabels ?? {};
      expect(Object.keys(selector).length).toBeGreaterThan(0);
      for (const [key, value] of Object.entries(selector)) expect(labels[key], key).toBe(value);
      for (const container of containers) {
        expect(container.image).toMatch(/^[a-z0-9./_-]+:[A-Za-z0-9._-]+$/);
        const portNames = new Set((container.ports ?? []).map((p) => p.name));
        for (const probe of [container.readinessProbe, container.livenessProbe]) {
          expect(typeof probe, `${container.name} probes`).toBe('object');
          if (probe?.httpGet) {
            expect(['/health/ready', '/health/live']).toContain(probe.httpGet.path);
            expect(portNames.has(String(probe.httpGet.port)), `probe port ${probe.httpGet.port}`).toBe(true);
          } else {
            expect(probe?.exec?.command.length ?? 0).toBeGreaterThan(0);
          }
        }
        for (const variable of container.env ?? []) {
          const ref = variable.valueFrom?.secretKeyRef;
          if (ref)
            expect(secretHas(ref.name, ref.key), `${variable.name}: ${ref.name}/${ref.key}`).toBe(true);
          else expect(typeof variable.value, variable.name).toBe('string');
        }
      }
    });

    it(`${name}: its Service selects its pods and targets a named container port`, () => {
      const service = target.find((m) => m.kind === 'Service' && m.metadata.name === name);
      const labels = template?.metadata.labels ?? {};
      const selector = (service?.spec?.selector ?? {}) as Record<string, string>;
      expect(Object.keys(selector).length).toBeGreaterThan(0);
      for (const [key, value] of Object.entries(selector)) expect(labels[key], key).toBe(value);
      const named = new Map(
        containers.flatMap((c) => (c.ports ?? []).map((p) => [p.name, p.containerPort] as const)),
      );
      for (const port of service?.spec?.ports ?? []) {
        expect(named.get(String(port.targetPort)), `targetPort ${port.targetPort}`).toBe(port.port);
      }
    });
  }

  it('give the API and the simulator only variables they read, and run their entry points', () => {
    const { api, billing, telemetry } = serviceVariables();
    const byName = (name: string) =>
      workloads.find((m) => m.metadata.name === name)?.spec?.template?.spec.containers[0];
    const checks: Array<[string, Set<string>, string]> = [
      ['paspor-api', api, 'target-api/api/src/main.ts'],
      ['paspor-billing', billing, 'target-api/billing-sim/src/main.ts'],
    ];
    for (const [name, reads, entry] of checks) {
      const container = byName(name);
      expect(container?.command?.at(-1)).toBe(entry);
      expect(existsSync(fileURLToPath(new URL(`../../${entry}`, import.meta.url)))).toBe(true);
      for (const variable of container?.env ?? []) {
        expect(reads.has(variable.name) || telemetry.has(variable.name), `${name}: ${variable.name}`).toBe(
          true,
        );
      }
    }
  });
});
