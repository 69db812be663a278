import { describe, expect, it } from 'vitest';
import { RemoteTargetRefusedError } from '../errors.ts';
import { HttpClient, isLoopbackHost } from './client.ts';

describe('loopback guard', () => {
  it('treats 127.0.0.0/8, ::1 and localhost as loopback, nothing else', () => {
    for (const host of [
      '127.0.0.1',
      '127.10.20.30',
      '[::1]',
      '::1',
      'localhost',
      'api.localhost',
      '[::ffff:127.0.0.1]',
    ]) {
      expect(isLoopbackHost(host), host).toBe(true);
    }
    for (const host of [
      '10.0.0.1',
      '192.0.2.10',
      'example.com',
      '128.0.0.1',
      '[::2]',
      'localhost.example.com',
    ]) {
      expect(isLoopbackHost(host), host).toBe(false);
    }
  });

  it('refuses remote URLs unless allowed', async () => {
    const guarded = new HttpClient({ allowRemoteTarget: false });
    const open = new HttpClient({ allowRemoteTarget: true });
    expect(() => guarded.assertAllowed(new URL('http://192.0.2.10/x'))).toThrow(RemoteTargetRefusedError);
    expect(() => guarded.assertAllowed(new URL('http://127.0.0.1:1/x'))).not.toThrow();
    expect(() => open.assertAllowed(new URL('http://192.0.2.10/x'))).not.toThrow();
    await Promise.all([guarded.close(), open.close()]);
  });
});
