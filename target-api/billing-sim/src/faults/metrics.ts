// billing_sim_fault_active{group}: 1 while an injected fault's window is open (billing calls, bank
// notices), read at scrape time, so Grafana annotates the fault and a run's alert timeline can say when
// the trouble started without asking the simulator.
import client from 'prom-client';
import type { SimState } from '../state.ts';
import { isWindowOpen } from './schedule.ts';

export function registerFaultGauge(
  registry: client.Registry<client.RegistryContentType>,
  state: SimState,
  now: () => number,
): void {
  new client.Gauge({
    name: 'billing_sim_fault_active',
    help: 'Whether an injected fault is active, by group (billing, notices)',
    labelNames: ['group'] as const,
    registers: [registry],
    collect() {
      for (const group of ['billing', 'notices'] as const) {
        const faults = state.faults[group];
        this.set({ group }, faults && isWindowOpen(faults, now()) ? 1 : 0);
      }
    },
  });
}
