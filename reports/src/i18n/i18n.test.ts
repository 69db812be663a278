import { describe, expect, it } from 'vitest';
import { en } from './en.ts';
import { id } from './id.ts';
import { dictionaries, placeholders, translator, UnknownLanguageError } from './index.ts';

describe('dictionaries', () => {
  it('have exactly the same keys in English and Indonesian', () => {
    expect(Object.keys(id).sort()).toEqual(Object.keys(en).sort());
  });

  it('have no empty label in any language', () => {
    for (const [lang, dict] of Object.entries(dictionaries)) {
      for (const [key, text] of Object.entries(dict)) expect(text.trim(), `${lang} ${key}`).not.toBe('');
    }
  });

  it('use the same placeholders for a key in every language', () => {
    for (const key of Object.keys(en) as Array<keyof typeof en>) {
      expect(placeholders(id[key]), key).toEqual(placeholders(en[key]));
    }
  });

  it('translate the Indonesian labels rather than copy the English ones', () => {
    // Only labels that are the same word in both languages may match.
    const sameWord = new Set(['col.status', 'col.target', 'unit.ms', 'col.commit', 'chart.sloLine']);
    const copied = (Object.keys(en) as Array<keyof typeof en>).filter(
      (k) => en[k] === id[k] && !sameWord.has(k),
    );
    expect(copied).toEqual([]);
    expect(id.title).toBe('Laporan Keandalan');
    expect(id['verdict.proven']).toContain('terbukti');
    expect(id['inv.paid-but-expired']).toContain('kadaluarsa');
  });
});

describe('translator', () => {
  it('fills placeholders and formats numbers, percentages and lists the Indonesian way', () => {
    const tr = translator('id');
    expect(tr.t('verdict.fail', { run: 'r1', scenario: 'smoke', reasons: 'x' })).toBe(
      'Uji r1 (smoke) gagal pada x.',
    );
    expect(tr.percent(0.9953)).toBe('99,53%');
    expect(tr.number(1234.5)).toBe('1.234,5');
    expect(tr.list(['a', 'b', 'c'])).toBe('a, b, dan c');
  });

  it('formats numbers and lists the English way', () => {
    const tr = translator('en');
    expect(tr.percent(0.9953)).toBe('99.53%');
    expect(tr.list(['a', 'b'])).toBe('a and b');
    expect(tr.dateTime('2026-11-28T09:15:00.000Z')).toContain('09:15:00');
  });

  it('refuses an unknown language by name', () => {
    expect(() => translator('fr' as 'en')).toThrow(UnknownLanguageError);
  });
});
