import { describe, expect, it } from 'vitest';
import { checkDocument } from './documents.ts';

const bytes = (...values: number[]) => Uint8Array.from(values);

describe('checking an uploaded document against its Content-Type', () => {
  it('accepts a file that starts with its type signature', () => {
    expect(checkDocument('image/jpeg', bytes(0xff, 0xd8, 0xff, 0xe0, 0, 0x10))).toBeUndefined();
    expect(checkDocument('application/pdf', new TextEncoder().encode('%PDF-1.7\n...'))).toBeUndefined();
    expect(
      checkDocument('image/png', bytes(0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13)),
    ).toBeUndefined();
  });

  it('refuses a file whose bytes are another type, a truncated signature, or nothing', () => {
    expect(checkDocument('image/jpeg', new TextEncoder().encode('%PDF-1.7'))).toMatch(
      /does not start as a image\/jpeg file/,
    );
    expect(checkDocument('image/png', bytes(0x89, 0x50, 0x4e))).toMatch(/does not start as a image\/png/);
    expect(checkDocument('application/pdf', bytes())).toBe('the file is empty');
  });
});
