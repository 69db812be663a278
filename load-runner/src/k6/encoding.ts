// `k6/encoding`: base64 as k6 provides it
// (https://grafana.com/docs/k6/latest/javascript-api/k6-encoding/): encodings "std" (default),
// "rawstd" (no padding), "url", "rawurl"; b64decode returns an ArrayBuffer unless format is "s".

type Encoding = 'std' | 'rawstd' | 'url' | 'rawurl';

function bytesOf(input: string | ArrayBuffer | ArrayBufferView): Buffer {
  if (typeof input === 'string') return Buffer.from(input, 'utf8');
  if (input instanceof ArrayBuffer) return Buffer.from(input);
  return Buffer.from(input.buffer, input.byteOffset, input.byteLength);
}

function check(encoding: string): Encoding {
  if (encoding === 'std' || encoding === 'rawstd' || encoding === 'url' || encoding === 'rawurl')
    return encoding;
  throw new Error(`k6/encoding: unknown encoding "${encoding}" (use std, rawstd, url or rawurl)`);
}

export function b64encode(input: string | ArrayBuffer | ArrayBufferView, encoding = 'std'): string {
  const e = check(encoding);
  const bytes = bytesOf(input);
  if (e === 'std') return bytes.toString('base64');
  if (e === 'rawstd') return bytes.toString('base64').replace(/=+$/, '');
  const url = bytes.toString('base64url');
  return e === 'rawurl' ? url : url.padEnd(Math.ceil(url.length / 4) * 4, '=');
}

export function b64decode(input: string, encoding = 'std', format?: string): string | ArrayBuffer {
  const e = check(encoding);
  const alphabet = e === 'std' || e === 'rawstd' ? /^[A-Za-z0-9+/]*={0,2}$/ : /^[A-Za-z0-9_-]*={0,2}$/;
  if (!alphabet.test(input)) throw new Error(`k6/encoding: "${input.slice(0, 40)}" is not ${e} base64`);
  const bytes = Buffer.from(input, e === 'std' || e === 'rawstd' ? 'base64' : 'base64url');
  if (format === 's') return bytes.toString('utf8');
  return bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
}

export default { b64encode, b64decode };
