// What the harness (the `paspor-lab run` process) does around the load besides starting the stack: a
// PGlite data folder for a scenario that restarts the API (so the restart keeps its data), the control
// route a scenario schedules the restart through, and the run's faults.ndjson.
import { type FreshCopy, freshCopy, preparedPgliteFolder } from '../fresh-database.ts';
import { type ControlServer, type Restartable, startControl } from './control.ts';
import { FaultRecorder } from './fault-recorder.ts';

export interface HarnessTarget {
  apiUrl: string;
  billingUrl: string;
  adminToken: string;
}

export interface Harness {
  /** Environment for the stack: PGLITE_DATA_DIR, the run's copy of the migrated PGlite folder. */
  stackEnv: Record<string, string>;
  /** Serves the control route for the started stack (none with --target); answers the script's __ENV. */
  attach(stack: Restartable | undefined, target: HarnessTarget): Promise<Record<string, string>>;
  /** After the load, while the target still runs: reads the services' fault histories, writes faults.ndjson. */
  finish(target: HarnessTarget): Promise<void>;
  /** After the stack stopped: closes the control route, removes the data folder. */
  close(): Promise<void>;
}

export async function createHarness(options: { runDir: string; pgliteCopy: boolean }): Promise<Harness> {
  // A copy of the folder migrated once (cli/src/fresh-database.ts): a new PGlite folder takes a minute
  // and more to create on a busy 2-core machine, a copy a fraction of a second.
  const data: FreshCopy | undefined = options.pgliteCopy
    ? freshCopy(await preparedPgliteFolder())
    : undefined;
  const recorder = new FaultRecorder();
  let control: ControlServer | undefined;
  return {
    stackEnv: data ? { PGLITE_DATA_DIR: data.dir } : {},
    async attach(stack, target) {
      control = await startControl({
        stack,
        // The killed process takes its history with it: read it first.
        beforeRestart: () => recorder.collect(target.apiUrl, target.adminToken),
        onRestart: (r) =>
          recorder.add({ kind: `API restart (${r.signal})`, startAt: r.killedAt, endAt: r.readyAt }),
      });
      return { CONTROL_URL: control.url, CONTROL_TOKEN: control.token };
    },
    async finish(target) {
      await recorder.collect(target.apiUrl, target.adminToken);
      await recorder.collect(target.billingUrl, target.adminToken);
      recorder.write(options.runDir);
    },
    async close() {
      await control?.close();
      data?.remove();
    },
  };
}
