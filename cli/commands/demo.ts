// paspor-lab demo (npm start): `verify quota-rush --short`, legacy against hardened. A progress bar per
// run, the verdict table with its statistics, the path of the comparison report; exit as verify does.
import type { Command } from 'commander';
import { exitSoon } from '../src/exit-soon.ts';
import { withExitCodes } from '../src/help.ts';
import { verifyCommand } from './verify.ts';

export const DEMO_SCENARIO = 'quota-rush';

export function registerDemo(program: Command): void {
  const command = program
    .command('demo')
    .description(
      'verify quota-rush (short), legacy against hardened: the field failure reproduced, the fixes proven',
    )
    .option('--lang <lang>', 'report language: en | id (default PASPOR_LANG, else en)')
    .option('--out <dir>', 'verification folder, new or empty (default ./runs/<verification-id>)')
    .action(async (flags: { lang?: string; out?: string }) => {
      exitSoon(
        await verifyCommand(
          DEMO_SCENARIO,
          {
            short: true,
            baseline: 'legacy',
            candidate: 'hardened',
            ...(flags.lang !== undefined ? { lang: flags.lang } : {}),
            ...(flags.out !== undefined ? { out: flags.out } : {}),
          },
          `paspor-lab demo: verify ${DEMO_SCENARIO} --short --baseline legacy --candidate hardened (3 runs each, interleaved)`,
        ),
      );
    });
  withExitCodes(command, {
    0: 'every fix the scenario can show was verified (legacy fails, hardened holds) and nothing regressed',
    1: 'a run could not be done',
    2: 'bad usage: an unknown language, an --out folder that is not empty',
    99: 'a claimed fix was not verified, or something regressed',
  });
}
