// `k6/crypto` as k6 documents it (https://grafana.com/docs/k6/latest/javascript-api/k6-crypto/):
// digests by name (md5, sha1, sha256, ...), hmac(), createHash()/createHMAC() hashers with update() and
// digest(encoding), randomBytes(). Output encodings: "hex", "base64", "base64url" (padded),
// "base64rawurl", "binary" (an ArrayBuffer). On node:crypto; md4 is refused (OpenSSL 3 dropped it).
import { createHash as nodeHash, createHmac as nodeHmac, randomBytes as nodeRandom } from 'node:crypto';

const ALGORITHMS: Record<string, string> = {
  md5: 'md5',
  sha1: 'sha1',
  sha256: 'sha256',
  sha384: 'sha384',
  sha512: 'sha512',
  sha512_224: 'sha512-224',
  sha512_256: 'sha512-256',
  ripemd160: 'ripemd160',
};

type Input = string | ArrayBuffer | ArrayBufferView;

function algorithm(name: string): string {
  const found = ALGORITHMS[name];
  if (!found) {
    throw new Error(
      `k6/crypto: the algorithm "${name}" is not provided (use ${Object.keys(ALGORITHMS).join(', ')})`,
    );
  }
  return found;
}

function bytes(input: Input): Buffer {
  if (typeof input === 'string') return Buffer.from(input, 'utf8');
  if (input instanceof ArrayBuffer) return Buffer.from(input);
  return Buffer.from(input.buffer, input.byteOffset, input.byteLength);
}

function encode(digest: Buffer, encoding: string): string | ArrayBuffer {
  switch (encoding) {
    case 'hex':
      return digest.toString('hex');
    case 'base64':
      return digest.toString('base64');
    case 'base64url': {
      const url = digest.toString('base64url');
      return url.padEnd(Math.ceil(url.length / 4) * 4, '=');
    }
    case 'base64rawurl':
      return digest.toString('base64url');
    case 'binary':
      return digest.buffer.slice(digest.byteOffset, digest.byteOffset + digest.byteLength) as ArrayBuffer;
    default:
      throw new Error(
        `k6/crypto: unknown output encoding "${encoding}" (hex, base64, base64url, base64rawurl, binary)`,
      );
  }
}

class Hasher {
  private readonly update_: (data: Input) => void;
  private readonly digest_: () => Buffer;
  constructor(update: (data: Input) => void, digest: () => Buffer) {
    this.update_ = update;
    this.digest_ = digest;
  }
  update(data: Input): void {
    this.update_(data);
  }
  digest(encoding: string): string | ArrayBuffer {
    return encode(this.digest_(), encoding);
  }
}

export function createHash(name: string): Hasher {
  const h = nodeHash(algorithm(name));
  return new Hasher(
    (d) => h.update(bytes(d)),
    () => h.digest(),
  );
}

export function createHMAC(name: string, secret: Input): Hasher {
  const h = nodeHmac(algorithm(name), bytes(secret));
  return new Hasher(
    (d) => h.update(bytes(d)),
    () => h.digest(),
  );
}

export function hmac(name: string, secret: Input, data: Input, encoding: string): string | ArrayBuffer {
  return encode(nodeHmac(algorithm(name), bytes(secret)).update(bytes(data)).digest(), encoding);
}

const digestOf =
  (name: string) =>
  (data: Input, encoding: string): string | ArrayBuffer =>
    encode(nodeHash(algorithm(name)).update(bytes(data)).digest(), encoding);

export const md5 = digestOf('md5');
export const sha1 = digestOf('sha1');
export const sha256 = digestOf('sha256');
export const sha384 = digestOf('sha384');
export const sha512 = digestOf('sha512');
export const sha512_224 = digestOf('sha512_224');
export const sha512_256 = digestOf('sha512_256');
export const ripemd160 = digestOf('ripemd160');

export function md4(): never {
  throw new Error('k6/crypto: md4 is not provided by the embedded runner (Node has no MD4)');
}

export function randomBytes(size: number): ArrayBuffer {
  const b = nodeRandom(size);
  return b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength) as ArrayBuffer;
}

export default {
  createHash,
  createHMAC,
  hmac,
  md4,
  md5,
  sha1,
  sha256,
  sha384,
  sha512,
  sha512_224,
  sha512_256,
  ripemd160,
  randomBytes,
};
