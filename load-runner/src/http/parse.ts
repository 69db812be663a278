// The runner's HTTP/1.1 response parser (issue 13: CPU per request). It works on the bytes of each read
// where they lie: the status line, the framing headers (Content-Length, Transfer-Encoding, Connection)
// and the names the client asks of every answer (Set-Cookie, Location) are read byte by byte; the header
// block is decoded to one latin1 string, split into names and values only when something asks
// (`splitHeaderText`). No regular expression, no string per line, no Buffer per body read.
//
// Grammar, as http-parser-js (the parser it replaced) read answers: lines end in LF with an optional CR
// before it; empty lines before the status line are skipped; a header line is `name: value` with the
// value's surrounding spaces and tabs trimmed; a line starting with a space or tab continues the previous
// value (obs-fold); other lines without a valid name are ignored; a CR inside a line is an error. Framing
// (RFC 9112 6): no body after HEAD, 1xx, 204 and 304; chunked wins over Content-Length; two different
// Content-Length values, or one that is not a decimal number, are an error; with neither the body runs
// to the end of the connection. Deliberate differences from http-parser-js, as Go's client (k6's)
// behaves: interim 1xx answers other than 101 are skipped (the final answer follows on the same
// request), a 101 answer ends the connection's HTTP use, and a HEAD answer without a length keeps the
// connection open.

const LF = 10;
const CR = 13;
const SP = 32;
const HT = 9;

/** Bits of `headerFlags`: which of the headers the client looks up on every answer were there. */
export const HAS_SET_COOKIE = 1;
export const HAS_LOCATION = 2;

/** A head split over reads is kept up to this size (http-parser-js's limit). */
const MAX_HEAD_BYTES = 80 * 1024;
/** How much of a read is decoded to look for the end of a head first (most heads are far shorter). */
const FIRST_DECODE_BYTES = 2048;
/** Heads up to this size are kept to be recognised when repeated. */
const MAX_REPEATED_HEAD_BYTES = 4096;
/** After this many differing heads in a row, repeats are looked for only once every PAUSE_HEADS heads. */
const MISSES_BEFORE_PAUSE = 8;
const PAUSE_HEADS = 64;

const HEAD = 0;
const SIZED = 1;
const UNTIL_CLOSE = 2;
const CHUNK_SIZE = 3;
const CHUNK_DATA = 4;
const CHUNK_END = 5;
const TRAILERS = 6;
const FAILED = 7;

export class ResponseParseError extends Error {}

/** What the parser reports to its connection, in order, once per answer. */
export interface ResponseHandler {
  /** The head was read (status, statusText, headerText, headerFlags); true: no body follows (HEAD). */
  onResponseHead(parser: ResponseParser): boolean;
  /** Body bytes `start..end` of `buffer` (the read's buffer: copy what is kept). */
  onResponseBody(buffer: Buffer, start: number, end: number): void;
  /** The answer is complete; return false when the connection is gone (the rest of the read is dropped). */
  onResponseComplete(keepAlive: boolean): boolean;
}

function isBlank(c: number): boolean {
  return c === SP || c === HT;
}

function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}

/** Whether `text` holds `name` (lower case) at `at`, in any case. */
function nameIs(text: string, at: number, name: string): boolean {
  for (let i = 0; i < name.length; i++) {
    const c = text.charCodeAt(at + i);
    if ((c >= 65 && c <= 90 ? c + 32 : c) !== name.charCodeAt(i)) return false;
  }
  return true;
}

/** Whether `word` (lower case) occurs in `text` between `start` and `end`, in any case. */
function contains(text: string, start: number, end: number, word: string): boolean {
  for (let i = start; i + word.length <= end; i++) if (nameIs(text, i, word)) return true;
  return false;
}

export class ResponseParser {
  /** Of the answer being read (valid from onResponseHead on). */
  status = 0;
  statusText = '';
  /** The header lines as they came (latin1), each with its line end: `splitHeaderText` reads them. */
  headerText = '';
  headerFlags = 0;
  private readonly handler: ResponseHandler;
  private state = HEAD;
  /** Body bytes left in a sized body or in the current chunk. */
  private remaining = 0;
  private keepAlive = true;
  /** The start of a head that did not end in its read (copied: read buffers are reused). */
  private pending: Buffer | null = null;
  /** A chunk-size or trailer line that did not end in its read, and the last complete one. */
  private partialLine = '';
  private line = '';
  private error: ResponseParseError | null = null;
  /** The framing of the last final head (what frame() decides from). */
  private http11 = true;
  private close = false;
  private keepAliveToken = false;
  private chunked = false;
  private contentLength = -1;
  /** Set by parseHeadText when it read a final (not interim) head. */
  private finalHead = false;
  /** The bytes of the last final head, while they may repeat; consecutive answers that differed. */
  private lastHead: Buffer | null = null;
  private misses = 0;
  private paused = 0;

  constructor(handler: ResponseHandler) {
    this.handler = handler;
  }

  /** Parses bytes `start..end`; an error leaves the parser failed (the connection must go). */
  execute(buffer: Buffer, start: number, end: number): ResponseParseError | null {
    if (this.state === FAILED) return this.error;
    try {
      let at = start;
      while (at < end) {
        switch (this.state) {
          case HEAD: {
            const next = this.head(buffer, at, end);
            if (next < 0) return null;
            at = next;
            // An answer without body is complete with its head.
            if ((this.state as number) === SIZED && this.remaining === 0 && !this.complete()) return null;
            break;
          }
          case SIZED: {
            const n = Math.min(end - at, this.remaining);
            this.handler.onResponseBody(buffer, at, at + n);
            at += n;
            this.remaining -= n;
            if (this.remaining === 0 && !this.complete()) return null;
            break;
          }
          case UNTIL_CLOSE:
            this.handler.onResponseBody(buffer, at, end);
            at = end;
            break;
          case CHUNK_DATA: {
            const n = Math.min(end - at, this.remaining);
            this.handler.onResponseBody(buffer, at, at + n);
            at += n;
            this.remaining -= n;
            if (this.remaining === 0) this.state = CHUNK_END;
            break;
          }
          default: {
            // CHUNK_SIZE, CHUNK_END, TRAILERS: line by line.
            const next = this.readLine(buffer, at, end);
            if (next < 0) return null;
            at = next;
            if (this.lineDone() && !this.complete()) return null;
          }
        }
      }
      return null;
    } catch (error) {
      if (!(error instanceof ResponseParseError)) throw error;
      this.state = FAILED;
      this.error = error;
      return error;
    }
  }

  /**
   * The connection ended: a body that runs to the end of the connection is complete now (true). Any
   * other answer in progress is not (false), nor is there one when nothing had arrived.
   */
  finish(): boolean {
    if (this.state !== UNTIL_CLOSE) return false;
    this.complete();
    return true;
  }

  private complete(): boolean {
    this.state = HEAD;
    return this.handler.onResponseComplete(this.keepAlive);
  }

  /** The head at `at`, combined with a pending start; the position after it, or -1 (kept as pending). */
  private head(buffer: Buffer, at: number, end: number): number {
    const pending = this.pending;
    if (pending === null) {
      const next = this.parseHead(buffer, at, end);
      if (next === -1) this.keep(Buffer.from(buffer.subarray(this.headStart, end)));
      return next;
    }
    const joined = Buffer.concat([pending, buffer.subarray(at, end)]);
    this.pending = null;
    const next = this.parseHead(joined, 0, joined.length);
    if (next === -1) {
      this.keep(joined.subarray(this.headStart));
      return -1;
    }
    return at + (next - pending.length);
  }

  private keep(bytes: Buffer): void {
    if (bytes.length > MAX_HEAD_BYTES) throw new ResponseParseError('response head larger than 80 KiB');
    this.pending = bytes;
  }

  /** Where the head being parsed starts (after skipped empty lines): kept from there when incomplete. */
  private headStart = 0;

  /**
   * Parses one head in `start..end`: the position after it (state set), or -1 when it does not end there.
   * The bytes are decoded once (latin1: one character per byte, so string and byte positions agree) and
   * read with string searches, which V8 runs without leaving JavaScript.
   */
  private parseHead(b: Buffer, start: number, end: number): number {
    // A server repeats its heads byte for byte (within the second of its Date header): the same bytes
    // as the last head are the same answer, with nothing to decode or split.
    const last = this.lastHead;
    if (last !== null) {
      const n = last.length;
      if (end - start >= n && b.compare(last, 0, n, start, start + n) === 0) {
        this.misses = 0;
        this.frame();
        return start + n;
      }
      this.misses++;
    }
    this.finalHead = false;
    const decoded = Math.min(end, start + FIRST_DECODE_BYTES);
    let found = this.parseHeadText(b.toString('latin1', start, decoded), start);
    if (found === -1 && decoded < end) found = this.parseHeadText(b.toString('latin1', start, end), start);
    if (this.finalHead) {
      // Heads that keep changing (an id per answer) are not compared for a while.
      const size = found - this.headStart;
      if (
        size > MAX_REPEATED_HEAD_BYTES ||
        (this.misses >= MISSES_BEFORE_PAUSE && ++this.paused < PAUSE_HEADS)
      ) {
        this.lastHead = null;
      } else {
        if (this.misses >= MISSES_BEFORE_PAUSE) {
          this.paused = 0;
          this.misses = MISSES_BEFORE_PAUSE - 1;
        }
        this.lastHead = Buffer.copyBytesFrom(b, this.headStart, size);
      }
    }
    return found;
  }

  private parseHeadText(t: string, offset: number): number {
    const length = t.length;
    let i = 0;
    while (i < length) {
      const c = t.charCodeAt(i);
      if (c === LF) i++;
      else if (c === CR && i + 1 < length && t.charCodeAt(i + 1) === LF) i += 2;
      else break;
    }
    this.headStart = offset + i;
    if (i === length) return offset + length;
    // Status line: HTTP/d.d SP ddd [SP reason]
    let nl = t.indexOf('\n', i);
    if (nl < 0) return -1;
    let lineEnd = nl > i && t.charCodeAt(nl - 1) === CR ? nl - 1 : nl;
    if (
      lineEnd - i < 12 ||
      !t.startsWith('HTTP/', i) ||
      !isDigit(t.charCodeAt(i + 5)) ||
      t.charCodeAt(i + 6) !== 46 || // .
      !isDigit(t.charCodeAt(i + 7)) ||
      t.charCodeAt(i + 8) !== SP ||
      !isDigit(t.charCodeAt(i + 9)) ||
      !isDigit(t.charCodeAt(i + 10)) ||
      !isDigit(t.charCodeAt(i + 11)) ||
      (lineEnd > i + 12 && t.charCodeAt(i + 12) !== SP)
    )
      throw new ResponseParseError('invalid status line');
    const major = t.charCodeAt(i + 5) - 48;
    const minor = t.charCodeAt(i + 7) - 48;
    const status =
      (t.charCodeAt(i + 9) - 48) * 100 + (t.charCodeAt(i + 10) - 48) * 10 + t.charCodeAt(i + 11) - 48;
    const reasonStart = Math.min(i + 13, lineEnd);
    const reasonEnd = lineEnd;
    const cr = t.indexOf('\r', reasonStart);
    if (cr >= 0 && cr < reasonEnd) throw new ResponseParseError('CR inside a line');
    // Header lines up to the empty one.
    let pos = nl + 1;
    const headersStart = pos;
    let flags = 0;
    let contentLength = -1;
    let chunked = false;
    let close = false;
    let keepAliveToken = false;
    for (;;) {
      // One pass over the line: its end, its first colon, and no CR but before the LF.
      let colon = -1;
      let k = pos;
      let c = 0;
      for (; k < length; k++) {
        c = t.charCodeAt(k);
        if (c === LF || c === CR) break;
        if (c === 58 && colon < 0) colon = k; // ':'
      }
      if (k === length) return -1;
      if (c === CR) {
        if (k + 1 === length) return -1;
        if (t.charCodeAt(k + 1) !== LF) throw new ResponseParseError('CR inside a line');
        nl = k + 1;
      } else nl = k;
      lineEnd = k;
      if (lineEnd === pos) break;
      const nameLength = colon - pos;
      // Only the names the parser acts on are checked further (splitHeaderText validates the rest).
      if (
        colon < lineEnd &&
        (nameLength === 14 || nameLength === 17 || nameLength === 10 || nameLength === 8)
      ) {
        let vs = colon + 1;
        while (vs < lineEnd && isBlank(t.charCodeAt(vs))) vs++;
        let ve = lineEnd;
        while (ve > vs && isBlank(t.charCodeAt(ve - 1))) ve--;
        switch (nameLength) {
          case 14:
            if (nameIs(t, pos, 'content-length')) {
              if (ve === vs || ve - vs > 15) throw new ResponseParseError('invalid Content-Length');
              let n = 0;
              for (let k = vs; k < ve; k++) {
                const c = t.charCodeAt(k);
                if (c < 48 || c > 57) throw new ResponseParseError('invalid Content-Length');
                n = n * 10 + c - 48;
              }
              if (contentLength >= 0 && contentLength !== n)
                throw new ResponseParseError('two different Content-Length values');
              contentLength = n;
            }
            break;
          case 17:
            if (nameIs(t, pos, 'transfer-encoding')) {
              // The last coding decides: chunked or not.
              let ts = ve;
              while (ts > vs && t.charCodeAt(ts - 1) !== 44) ts--; // ','
              while (ts < ve && isBlank(t.charCodeAt(ts))) ts++;
              chunked = ve - ts === 7 && nameIs(t, ts, 'chunked');
            }
            break;
          case 10:
            if (nameIs(t, pos, 'connection')) {
              if (contains(t, vs, ve, 'close')) close = true;
              if (contains(t, vs, ve, 'keep-alive')) keepAliveToken = true;
            } else if (nameIs(t, pos, 'set-cookie')) flags |= HAS_SET_COOKIE;
            break;
          default:
            if (nameIs(t, pos, 'location')) flags |= HAS_LOCATION;
        }
      }
      pos = nl + 1;
    }
    const afterHead = offset + nl + 1;
    if (status >= 100 && status < 200 && status !== 101) return afterHead; // interim: the answer follows
    this.status = status;
    // Reused while the reason phrase repeats ("OK"): no string per answer.
    if (reasonEnd - reasonStart !== this.statusText.length || !t.startsWith(this.statusText, reasonStart))
      this.statusText = t.slice(reasonStart, reasonEnd);
    this.headerText = pos > headersStart ? t.slice(headersStart, pos) : '';
    this.headerFlags = flags;
    this.http11 = major > 1 || (major === 1 && minor >= 1);
    this.close = close;
    this.keepAliveToken = keepAliveToken;
    this.chunked = chunked;
    this.contentLength = contentLength;
    this.finalHead = true;
    this.frame();
    return afterHead;
  }

  /** What follows the head just read (or repeated): the body's framing, and whether the connection stays. */
  private frame(): void {
    const status = this.status;
    const noBody = this.handler.onResponseHead(this) || status < 200 || status === 204 || status === 304;
    let keepAlive = this.http11 ? !this.close : this.keepAliveToken;
    if (status === 101) keepAlive = false;
    if (noBody) {
      this.state = SIZED;
      this.remaining = 0;
    } else if (this.chunked) {
      this.state = CHUNK_SIZE;
    } else if (this.contentLength >= 0) {
      this.state = SIZED;
      this.remaining = this.contentLength;
    } else {
      this.state = UNTIL_CLOSE;
      keepAlive = false;
    }
    this.keepAlive = keepAlive;
  }

  /** A line of the chunked framing at `at`: the position after it, or -1 (kept) when it does not end. */
  private readLine(buffer: Buffer, at: number, end: number): number {
    let nl = at;
    while (nl < end && buffer[nl] !== LF) nl++;
    if (nl === end) {
      this.partialLine += buffer.toString('latin1', at, end);
      if (this.partialLine.length > MAX_HEAD_BYTES) throw new ResponseParseError('chunk line too long');
      return -1;
    }
    let line = this.partialLine + buffer.toString('latin1', at, nl);
    this.partialLine = '';
    if (line.charCodeAt(line.length - 1) === CR) line = line.slice(0, -1);
    this.line = line;
    return nl + 1;
  }

  /** Acts on the line just read; true when it ended the answer. */
  private lineDone(): boolean {
    const line = this.line;
    if (this.state === CHUNK_SIZE) {
      let s = 0;
      while (s < line.length && (line.charCodeAt(s) === SP || line.charCodeAt(s) === HT)) s++;
      let e = s;
      while (e < line.length && isHexDigit(line.charCodeAt(e))) e++;
      if (e === s || e - s > 12) throw new ResponseParseError('invalid chunk size');
      let rest = e;
      while (rest < line.length && (line.charCodeAt(rest) === SP || line.charCodeAt(rest) === HT)) rest++;
      if (rest < line.length && line.charCodeAt(rest) !== 59)
        throw new ResponseParseError('invalid chunk size'); // ';'
      const size = Number.parseInt(line.slice(s, e), 16);
      if (size === 0) this.state = TRAILERS;
      else {
        this.state = CHUNK_DATA;
        this.remaining = size;
      }
      return false;
    }
    if (this.state === CHUNK_END) {
      if (line !== '') throw new ResponseParseError('no line end after a chunk');
      this.state = CHUNK_SIZE;
      return false;
    }
    // TRAILERS: ignored, up to the empty line.
    return line === '';
  }
}

function isHexDigit(c: number): boolean {
  return (c >= 48 && c <= 57) || (c >= 65 && c <= 70) || (c >= 97 && c <= 102);
}

/** The header block as names and values (name, value, name, value ...), by the grammar above. */
export function splitHeaderText(text: string): string[] {
  const out: string[] = [];
  let pos = 0;
  while (pos < text.length) {
    let nl = text.indexOf('\n', pos);
    if (nl < 0) nl = text.length;
    let lineEnd = nl;
    if (lineEnd > pos && text.charCodeAt(lineEnd - 1) === CR) lineEnd--;
    const first = text.charCodeAt(pos);
    if (first === SP || first === HT) {
      let vs = pos;
      while (vs < lineEnd && (text.charCodeAt(vs) === SP || text.charCodeAt(vs) === HT)) vs++;
      let ve = lineEnd;
      while (ve > vs && (text.charCodeAt(ve - 1) === SP || text.charCodeAt(ve - 1) === HT)) ve--;
      if (ve > vs && out.length > 0) {
        const last = out.length - 1;
        const previous = out[last] as string;
        out[last] = previous ? `${previous} ${text.slice(vs, ve)}` : text.slice(vs, ve);
      }
    } else {
      const colon = text.indexOf(':', pos);
      let valid = colon > pos && colon < lineEnd;
      for (let k = pos; valid && k < colon; k++) {
        const c = text.charCodeAt(k);
        if (c === SP || c === HT) valid = false;
      }
      if (valid) {
        let vs = colon + 1;
        while (vs < lineEnd && (text.charCodeAt(vs) === SP || text.charCodeAt(vs) === HT)) vs++;
        let ve = lineEnd;
        while (ve > vs && (text.charCodeAt(ve - 1) === SP || text.charCodeAt(ve - 1) === HT)) ve--;
        out.push(text.slice(pos, colon), text.slice(vs, ve));
      }
    }
    pos = nl + 1;
  }
  return out;
}
