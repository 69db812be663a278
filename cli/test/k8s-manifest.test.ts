// The k6-operator TestRun manifest must parse and point at a scenario that exists.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';

const k8sDir = fileURLToPath(new URL('../../load-scenarios/k8s/', import.meta.url));
const scenariosDir = fileURLToPath(new URL('../../load-scenarios/', import.meta.url));

interface TestRun {
  apiVersion: string;
  kind: string;
  metadata: { name: string };
  spec: {
    parallelism: number;
    script: { localFile?: string; configMap?: { file: string } };
    runner?: { env?: { name: string }[] };
  };
}

describe('load-scenarios/k8s', () => {
  const manifests = readdirSync(k8sDir).filter((f) => f.endsWith('.yaml') || f.endsWith('.yml'));

  it('holds at least one manifest', () => {
    expect(manifests.length).toBeGreaterThan(0);
  });

  for (const file of manifests) {
    it(`${file} is a k6-operator TestRun naming an existing scenario and its target settings`, () => {
      const doc = parse(readFileSync(`${k8sDir}${file}`, 'utf8')) as TestRun;
      expect(doc.apiVersion).toBe('k6.io/v1alpha1');
      expect(doc.kind).toBe('TestRun');
      expect(doc.spec.parallelism).toBeGreaterThanOrEqual(1);
      const script = doc.spec.script.localFile ?? doc.spec.script.configMap?.file ?? '';
      expect(existsSync(`${scenariosDir}${basename(script)}`)).toBe(true);
      const env = (doc.spec.runner?.env ?? []).map((e) => e.name);
      expect(env).toEqual(expect.arrayContaining(['API_URL', 'BILLING_URL', 'ADMIN_TOKEN']));
    });
  }
});
