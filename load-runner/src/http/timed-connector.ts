// A connector for undici that measures how long each new connection took (TCP, then TLS), so that a
// request which had to wait for a fresh connection can report http_req_connecting and
// http_req_tls_handshaking as k6 does.
import type { Socket } from 'node:net';
import { buildConnector } from 'undici';

export interface ConnectTiming {
  connectingMs: number;
  tlsMs: number;
  /** performance.now() when the connection was ready. */
  readyAt: number;
}

export class TimedConnector {
  private readonly base = buildConnector({});
  /** Connections made but not yet attributed to a request, per host:port. */
  private readonly unclaimed = new Map<string, ConnectTiming[]>();
  /** How many connections wait to be attributed (0 on a warm keep-alive pool: claim is skipped). */
  pending = 0;
  readonly connect: buildConnector.connector = (options, callback) => {
    const started = performance.now();
    let tcpAt = 0;
    const key = `${options.hostname}:${options.port || (options.protocol === 'https:' ? 443 : 80)}`;
    const socket = this.base(options, (error, connected) => {
      if (!error) {
        const readyAt = performance.now();
        const tcp = tcpAt || readyAt;
        const timing = { connectingMs: tcp - started, tlsMs: readyAt - tcp, readyAt };
        let list = this.unclaimed.get(key);
        if (!list) {
          list = [];
          this.unclaimed.set(key, list);
        }
        list.push(timing);
        this.pending++;
        if (list.length > 1024) {
          list.shift(); // never attributed (e.g. the request errored); forget it
          this.pending--;
        }
        callback(null, connected as Socket);
      } else {
        callback(error, null);
      }
    });
    if (options.protocol === 'https:' && socket && typeof (socket as Socket).once === 'function') {
      (socket as Socket).once('connect', () => {
        tcpAt = performance.now();
      });
    }
    return socket;
  };

  /** The connection made while a request waited (between queuedAt and now), if any. */
  claim(key: string, queuedAt: number): ConnectTiming | null {
    const list = this.unclaimed.get(key);
    if (!list || list.length === 0) return null;
    while (list.length > 0 && (list[0] as ConnectTiming).readyAt < queuedAt) {
      list.shift();
      this.pending--;
    }
    const claimed = list.shift() ?? null;
    if (claimed) this.pending--;
    return claimed;
  }
}
