// Compressed response bodies decoded as k6 decodes them: by the Content-Encoding the server sent
// (gzip, deflate, br, zstd; a list is undone last-first). Called when the script reads the body, so a
// discarded or unread body costs no inflation.
import { brotliDecompressSync, gunzipSync, inflateSync, zstdDecompressSync } from 'node:zlib';

const DECODERS: Record<string, (data: Buffer) => Buffer> = {
  gzip: gunzipSync,
  'x-gzip': gunzipSync,
  deflate: inflateSync,
  br: brotliDecompressSync,
  zstd: zstdDecompressSync,
};

/** The body as the server meant it; unknown encodings are left as they came (k6 does the same). */
export function decodeBody(body: Buffer, contentEncoding: string | string[] | undefined): Buffer {
  if (contentEncoding === undefined || body.length === 0) return body;
  const header = Array.isArray(contentEncoding) ? contentEncoding.join(',') : contentEncoding;
  const codings = header
    .split(',')
    .map((c) => c.trim().toLowerCase())
    .filter((c) => c && c !== 'identity');
  let out = body;
  for (let i = codings.length - 1; i >= 0; i--) {
    const decode = DECODERS[codings[i] as string];
    if (!decode) return out;
    out = decode(out);
  }
  return out;
}
