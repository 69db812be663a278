import { describe, expect, it } from 'vitest';
import { FaultHistory } from './fault-history.ts';

const at = (s: number) => new Date(s * 1000).toISOString();

describe('FaultHistory', () => {
  it('ends a window early when its group is replaced, and keeps an open one open', () => {
    let now = 10_000;
    const history = new FaultHistory(() => now);
    history.change('billing', { kind: 'billing latency +300 ms', startAt: null, endAt: 20_000 });
    now = 14_000;
    history.change('billing', { kind: 'billing outage', startAt: null, endAt: null });
    now = 16_000;
    expect(history.periods()).toEqual([
      { kind: 'billing latency +300 ms', startAt: at(10), endAt: at(14) },
      { kind: 'billing outage', startAt: at(14), endAt: null },
    ]);
  });

  it('drops a window cleared before it began, and cuts one still in the future at now', () => {
    let now = 10_000;
    const history = new FaultHistory(() => now);
    history.change('database', { kind: 'database latency +50 ms', startAt: 30_000, endAt: 40_000 });
    history.change('notices', { kind: 'notices dropped', startAt: 12_000, endAt: 18_000 });
    now = 15_000;
    expect(history.periods()).toEqual([{ kind: 'notices dropped', startAt: at(12), endAt: null }]);
    history.clear();
    now = 50_000;
    expect(history.periods()).toEqual([{ kind: 'notices dropped', startAt: at(12), endAt: at(15) }]);
  });

  it('keeps each group apart: replacing one leaves the other in force', () => {
    let now = 0;
    const history = new FaultHistory(() => now);
    history.change('billing', { kind: 'billing errors 50%', startAt: null, endAt: null });
    history.change('notices', { kind: 'notices delayed 5000 ms', startAt: null, endAt: 5_000 });
    now = 2_000;
    history.change('billing', null);
    now = 9_000;
    expect(history.periods()).toEqual([
      { kind: 'billing errors 50%', startAt: at(0), endAt: at(2) },
      { kind: 'notices delayed 5000 ms', startAt: at(0), endAt: at(5) },
    ]);
  });
});
