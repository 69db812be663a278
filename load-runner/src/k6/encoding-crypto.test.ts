// k6/encoding and k6/crypto against published test vectors: RFC 4648 section 10 for base64 and
// FIPS 180 / RFC 4231 for the digests; the API as k6 documents it
// (https://grafana.com/docs/k6/latest/javascript-api/k6-encoding/,
// https://grafana.com/docs/k6/latest/javascript-api/k6-crypto/).
import { describe, expect, it } from 'vitest';
import { createHash, createHMAC, hmac, md4, sha1, sha256 } from './crypto.ts';
import { b64decode, b64encode } from './encoding.ts';

describe('k6/encoding', () => {
  it('encodes in the std, rawstd, url and rawurl alphabets', () => {
    expect(b64encode('foobar')).toBe('Zm9vYmFy');
    expect(b64encode('fo')).toBe('Zm8=');
    expect(b64encode('fo', 'rawstd')).toBe('Zm8');
    expect(b64encode(new Uint8Array([0xfb, 0xff]).buffer, 'url')).toBe('-_8=');
    expect(b64encode(new Uint8Array([0xfb, 0xff]).buffer, 'rawurl')).toBe('-_8');
    expect(b64encode(new Uint8Array([0xfb, 0xff]).buffer)).toBe('+/8=');
  });
  it('decodes to an ArrayBuffer, or to a string with format "s", and refuses the wrong alphabet', () => {
    expect(b64decode('Zm9vYg==', 'std', 's')).toBe('foob');
    const bytes = b64decode('-_8', 'rawurl') as ArrayBuffer;
    expect([...new Uint8Array(bytes)]).toEqual([0xfb, 0xff]);
    expect(() => b64decode('-_8=', 'std')).toThrow(/not std base64/);
  });
});

describe('k6/crypto', () => {
  it('digests by name with hex and base64 output', () => {
    expect(sha256('abc', 'hex')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
    expect(sha1('abc', 'base64')).toBe('qZk+NkcGgWq6PiVxeFDCbJzQ2J0=');
    const h = createHash('sha256');
    h.update('a');
    h.update('bc');
    expect(h.digest('hex')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
  });
  it('computes HMACs (RFC 4231 test case 2) and returns binary as an ArrayBuffer', () => {
    const expected = '5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843';
    expect(hmac('sha256', 'Jefe', 'what do ya want for nothing?', 'hex')).toBe(expected);
    const m = createHMAC('sha256', 'Jefe');
    m.update('what do ya want for nothing?');
    expect(Buffer.from(m.digest('binary') as ArrayBuffer).toString('hex')).toBe(expected);
  });
  it('refuses what it cannot compute, naming it', () => {
    expect(() => md4()).toThrow(/md4 is not provided/);
    expect(() => createHash('whirlpool')).toThrow(/"whirlpool" is not provided/);
  });
});
