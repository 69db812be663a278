import { describe, expect, it } from 'vitest';
import { parseServeArgs, ServeUsageError } from '../serve.ts';

describe('serve flags', () => {
  it('defaults to hardened on ports 8080 and 8081 with the profile defects', () => {
    expect(parseServeArgs([])).toEqual({ profile: 'hardened', port: 8080, billingPort: 8081 });
  });

  it('reads profile, defects and ports', () => {
    expect(
      parseServeArgs([
        '--profile',
        'legacy',
        '--defects',
        'quota-race,billing-fragile',
        '--port',
        '0',
        '--billing-port',
        '0',
      ]),
    ).toEqual({ profile: 'legacy', defects: ['quota-race', 'billing-fragile'], port: 0, billingPort: 0 });
  });

  it.each([
    [['--profile', 'strict'], /unknown profile "strict": use legacy or hardened/],
    [['--defects', 'quota-race,typo'], /unknown defect "typo": valid defects are quota-race, /],
    [['--port', '80a'], /--port "80a" is not a port number/],
    [['--billing-port', '70000'], /--billing-port "70000" is not a port number/],
    [['--port', '9000', '--billing-port', '9000'], /give them different ports/],
    [['--verbose'], /Unknown option '--verbose'.*usage: serve/],
  ])('refuses %j with a message that says how to mend it', (argv, message) => {
    expect(() => parseServeArgs(argv)).toThrow(ServeUsageError);
    expect(() => parseServeArgs(argv)).toThrow(message);
  });
});
