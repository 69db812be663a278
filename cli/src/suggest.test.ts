import { describe, expect, it } from 'vitest';
import { closestName, unknownValue } from './suggest.ts';

describe('closest valid name', () => {
  const scenarios = ['smoke', 'quota-rush', 'payment-code-failure', 'payment-expiry', 'soak', 'breakpoint'];

  it('names the valid value a typo was meant to be', () => {
    expect(closestName('qouta-rush', scenarios)).toBe('quota-rush');
    expect(closestName('payment-expirty', scenarios)).toBe('payment-expiry');
    expect(closestName('Smoke', scenarios)).toBe('smoke');
  });

  it('suggests nothing for a word that is not a typo of any valid value', () => {
    expect(closestName('database', scenarios)).toBeUndefined();
    expect(closestName('x', [])).toBeUndefined();
  });

  it('writes one line with the suggestion and the valid values', () => {
    expect(unknownValue('profile', 'legasy', ['legacy', 'hardened'])).toBe(
      'unknown profile "legasy": did you mean legacy? (valid: legacy, hardened)',
    );
    expect(unknownValue('format', 'docx', ['html', 'md'])).toBe('unknown format "docx": (valid: html, md)');
  });
});
