import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openDocumentFolder } from './folder.ts';

const given: string[] = [];
afterEach(() => {
  for (const dir of given.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe('the document folder', () => {
  it('keeps one file per content under its digest, and gives it back', async () => {
    const folder = await openDocumentFolder(undefined);
    const sha = 'ab'.repeat(32);
    await folder.write(sha, Buffer.from('%PDF-first'));
    // The same digest again is the same content: not written twice (no half-written .part left either).
    await folder.write(sha, Buffer.from('%PDF-first'));
    expect((await folder.read(sha)).toString()).toBe('%PDF-first');
    expect(readdirSync(join(folder.path, 'ab'))).toEqual([sha]);
    await folder.close();
  });

  it('removes a folder it made when the API stops, and refuses a late write after that', async () => {
    const folder = await openDocumentFolder(undefined);
    await folder.write('cd'.repeat(32), Buffer.from('x'));
    await folder.close();
    expect(existsSync(folder.path)).toBe(false);
    await expect(folder.write('ef'.repeat(32), Buffer.from('y'))).rejects.toThrow(/closed/);
    expect(existsSync(folder.path)).toBe(false);
  });

  it('keeps a folder it was given (DOCUMENT_DIR), files and all', async () => {
    const parent = mkdtempSync(join(tmpdir(), 'paspor-doc-test-'));
    given.push(parent);
    const dir = join(parent, 'store');
    const folder = await openDocumentFolder(dir);
    await folder.write('01'.repeat(32), Buffer.from('kept'));
    await folder.close();
    const again = await openDocumentFolder(dir);
    expect((await again.read('01'.repeat(32))).toString()).toBe('kept');
  });
});
