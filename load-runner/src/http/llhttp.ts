// The runner's HTTP/1.1 response parser: llhttp, the parser of Node's own HTTP and of undici, in the
// WebAssembly build undici ships (undici/lib/llhttp). Each read is copied into the module's memory and
// parsed there; the callbacks record positions and slice only what the connection keeps: the status
// text, the header block as one latin1 string ("name: value" lines, split into names and values only
// when something asks, `splitHeaderText`), and the body's bytes, handed on as positions in the read's
// own buffer (no Buffer per body read).
//
// On top of llhttp, as Go's client (k6's) behaves: interim 1xx answers other than 101 are skipped (the
// final answer follows on the same request); a 101 answer ends the connection's HTTP use; an answer to
// HEAD has no body and, without a length, keeps the connection.
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const WASM = require('undici/lib/llhttp/llhttp-wasm.js') as Uint8Array;
const { ERROR, TYPE } = require('undici/lib/llhttp/constants.js') as {
  ERROR: { OK: number; PAUSED: number; PAUSED_UPGRADE: number; USER: number };
  TYPE: { RESPONSE: number };
};

/** Bits of `headerFlags`: which of the headers the client looks up on every answer were there. */
export const HAS_SET_COOKIE = 1;
export const HAS_LOCATION = 2;

/** A head may be this long (llhttp has no limit of its own; Node's default is 16 KiB, ours is 80). */
const MAX_HEAD_BYTES = 80 * 1024;

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

/** The little of WebAssembly used here (the project's TypeScript libraries carry no DOM types). */
interface Wasm {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => { exports: unknown };
}
const { WebAssembly: wasm } = globalThis as unknown as { WebAssembly: Wasm };

interface Llhttp {
  memory: { buffer: ArrayBuffer };
  malloc(size: number): number;
  free(ptr: number): void;
  llhttp_alloc(type: number): number;
  llhttp_free(ptr: number): void;
  llhttp_execute(ptr: number, data: number, length: number): number;
  llhttp_finish(ptr: number): number;
  llhttp_resume(ptr: number): void;
  llhttp_get_error_reason(ptr: number): number;
  llhttp_should_keep_alive(ptr: number): number;
  llhttp_set_lenient_chunked_length(ptr: number, on: number): void;
  llhttp_set_lenient_optional_cr_before_lf(ptr: number, on: number): void;
}

/** The parser whose execute() is running: llhttp's callbacks are synchronous, within that call. */
let current: ResponseParser | null = null;
/** The module's memory as a Buffer, made again when the memory grows (growing detaches the old one). */
let heap = Buffer.alloc(0);
/** Where each read is copied to, and how large that space is. */
let input = 0;
let inputSize = 0;

const on =
  (callback: (p: ResponseParser, at: number, len: number) => number) =>
  (_ptr: number, at: number, len: number) =>
    current ? callback(current, at, len) : 0;

const instance = new wasm.Instance(new wasm.Module(WASM), {
  env: {
    wasm_on_url: () => 0,
    wasm_on_status: on((p, at, len) => p.status_(at, len)),
    wasm_on_message_begin: () => (current ? current.begin_() : 0),
    wasm_on_header_field: on((p, at, len) => p.field_(at, len)),
    wasm_on_header_value: on((p, at, len) => p.value_(at, len)),
    wasm_on_headers_complete: (_ptr: number, status: number, upgrade: number) =>
      current ? current.headersComplete_(status, upgrade === 1) : 0,
    wasm_on_body: on((p, at, len) => p.body_(at, len)),
    wasm_on_message_complete: () => (current ? current.messageComplete_() : 0),
  },
});
const ll = instance.exports as unknown as Llhttp;

function heapView(): Buffer {
  if (heap.buffer !== ll.memory.buffer) heap = Buffer.from(ll.memory.buffer);
  return heap;
}

/** Frees each connection's llhttp state once its parser is collected (connections come and go). */
const states = new FinalizationRegistry<number>((ptr) => ll.llhttp_free(ptr));

/** Lower-case letters of the two names the client looks up on every answer, as bytes. */
const SET_COOKIE = Buffer.from('set-cookie', 'latin1');
const LOCATION = Buffer.from('location', 'latin1');

/** Whether `len` bytes of the module's memory at `at` are `name` (lower case), in any case. */
function nameAt(at: number, len: number, name: Buffer): boolean {
  if (len !== name.length) return false;
  for (let i = 0; i < len; i++) if (((heap[at + i] as number) | 0x20) !== name[i]) return false;
  return true;
}

export class ResponseParser {
  /** Of the answer being read (valid from onResponseHead on). */
  status = 0;
  statusText = '';
  /** The header lines, "name: value\r\n" each (latin1): `splitHeaderText` reads them. */
  headerText = '';
  headerFlags = 0;
  private readonly handler: ResponseHandler;
  private readonly ptr: number;
  private error: ResponseParseError | null = null;
  /** The read being parsed: body positions in the module's memory map back to it. */
  private buffer: Buffer | null = null;
  private offset = 0;
  /**
   * The header block is kept as the bytes came, from the first name to the end of the last value: `raw`
   * holds what earlier reads of a head split over reads brought, `headAt` is where the rest starts in
   * this read's copy (-1: no header line yet), `lastEnd` the length of raw text up to the last value.
   */
  private raw = '';
  private headAt = -1;
  private lastEnd = 0;
  /** A name the reads cut in two: the flags are read from the whole text at the end of the head. */
  private nameSplit = false;
  private headBytes = 0;
  /** The answer being read is an interim 1xx: nothing of it reaches the handler. */
  private interim = false;
  /** The connection went away inside a callback: the rest of the read is dropped. */
  private stopped = false;
  /** The handler said no body follows (HEAD). */
  private skipped = false;
  private inMessage = false;

  constructor(handler: ResponseHandler) {
    this.handler = handler;
    this.ptr = ll.llhttp_alloc(TYPE.RESPONSE);
    // As Go's client reads answers: Transfer-Encoding wins over a Content-Length beside it, and a line
    // may end in a bare LF.
    ll.llhttp_set_lenient_chunked_length(this.ptr, 1);
    ll.llhttp_set_lenient_optional_cr_before_lf(this.ptr, 1);
    states.register(this, this.ptr);
  }

  /** Parses bytes `start..end`; an error leaves the parser failed (the connection must go). */
  execute(buffer: Buffer, start: number, end: number): ResponseParseError | null {
    if (this.error) return this.error;
    if (this.stopped) return null;
    const length = end - start;
    if (length > inputSize) {
      if (input) ll.free(input);
      inputSize = Math.max(length, 64 * 1024);
      input = ll.malloc(inputSize);
    }
    const view = heapView();
    buffer.copy(view, input, start, end);
    this.buffer = buffer;
    this.offset = start - input;
    const previous = current;
    current = this;
    let code: number;
    try {
      code = ll.llhttp_execute(this.ptr, input, length);
    } finally {
      current = previous;
      this.buffer = null;
    }
    // A head that goes on in the next read: keep its bytes, the copy is overwritten by that read.
    if (this.headAt >= 0) {
      this.raw += heap.toString('latin1', this.headAt, input + length);
      this.headAt = input;
    }
    return this.outcome(code);
  }

  /**
   * The connection ended: a body that runs to the end of the connection is complete now (true). Any
   * other answer in progress is not (false), nor is there one when nothing had arrived.
   */
  finish(): boolean {
    if (this.error || this.stopped || !this.inMessage) return false;
    const previous = current;
    current = this;
    try {
      ll.llhttp_finish(this.ptr);
    } finally {
      current = previous;
    }
    return !this.inMessage;
  }

  private outcome(code: number): ResponseParseError | null {
    if (code === ERROR.OK) return null;
    // Paused by a callback: the connection is gone (stopped), or HTTP ended with a 101 (upgrade).
    if (code === ERROR.PAUSED || code === ERROR.PAUSED_UPGRADE) {
      this.stopped = true;
      return null;
    }
    if (this.stopped) return null;
    if (this.error) return this.error;
    const reason = ll.llhttp_get_error_reason(this.ptr);
    const view = heapView();
    const text = reason ? view.toString('latin1', reason, view.indexOf(0, reason)) : `llhttp error ${code}`;
    this.error = new ResponseParseError(text);
    return this.error;
  }

  /** @internal llhttp's callbacks, below: each returns 0 to go on, or llhttp's pause or error code. */
  begin_(): number {
    this.inMessage = true;
    this.status = 0;
    this.statusText = '';
    this.headerText = '';
    this.headerFlags = 0;
    this.raw = '';
    this.headAt = -1;
    this.lastEnd = 0;
    this.nameSplit = false;
    this.headBytes = 0;
    this.interim = false;
    this.skipped = false;
    return 0;
  }

  /** @internal */
  status_(at: number, len: number): number {
    this.statusText += heap.toString('latin1', at, at + len);
    return 0;
  }

  /** @internal */
  field_(at: number, len: number): number {
    this.headBytes += len;
    if (this.headBytes > MAX_HEAD_BYTES) return this.overflow();
    if (this.headAt < 0) this.headAt = at;
    // Through the colon: a last header with an empty value (no value call) still ends the text.
    this.lastEnd = this.raw.length + (at + len + 1 - this.headAt);
    // A name cut by the end of a read arrives in two calls; its second part starts the read.
    if (at === input && this.raw.length > 0) this.nameSplit = true;
    else if (nameAt(at, len, SET_COOKIE)) this.headerFlags |= HAS_SET_COOKIE;
    else if (nameAt(at, len, LOCATION)) this.headerFlags |= HAS_LOCATION;
    return 0;
  }

  /** @internal */
  value_(at: number, len: number): number {
    this.headBytes += len;
    if (this.headBytes > MAX_HEAD_BYTES) return this.overflow();
    this.lastEnd = this.raw.length + (at + len - this.headAt);
    return 0;
  }

  /** @internal 1: no body follows (llhttp's "skip body"); a pause ends HTTP on this connection. */
  headersComplete_(status: number, upgrade: boolean): number {
    if (this.headAt >= 0) {
      const rest = this.lastEnd - this.raw.length;
      const text =
        rest > 0
          ? this.raw + heap.toString('latin1', this.headAt, this.headAt + rest)
          : this.raw.slice(0, this.lastEnd);
      this.headerText = `${text}\r\n`;
      this.headAt = -1;
      this.raw = '';
      if (this.nameSplit) this.headerFlags = flagsOf(this.headerText);
    }
    this.status = status;
    if (status >= 100 && status < 200 && status !== 101) {
      this.interim = true;
      return 1;
    }
    this.skipped = this.handler.onResponseHead(this);
    return this.skipped || upgrade ? 1 : 0;
  }

  /** @internal */
  body_(at: number, len: number): number {
    if (this.interim || !this.buffer) return 0;
    const start = at + this.offset;
    this.handler.onResponseBody(this.buffer, start, start + len);
    return 0;
  }

  /** @internal */
  messageComplete_(): number {
    this.inMessage = false;
    if (this.interim) return 0;
    // A 101 ends HTTP on the connection; an answer to HEAD without a length keeps it, as Go's client does.
    const keepAlive =
      this.status !== 101 &&
      (ll.llhttp_should_keep_alive(this.ptr) === 1 ||
        (this.skipped && !/(?:^|\n)connection:[^\n]*close/i.test(this.headerText)));
    if (!this.handler.onResponseComplete(keepAlive)) {
      this.stopped = true;
      return ERROR.PAUSED;
    }
    return this.status === 101 ? ERROR.PAUSED : 0;
  }

  private overflow(): number {
    this.error = new ResponseParseError(`the head of the answer is over ${MAX_HEAD_BYTES / 1024} KiB`);
    return ERROR.USER;
  }
}

const CR = 13;
const SP = 32;
const HT = 9;

/** The flags of a header block read from its text (the rare head whose reads cut a name in two). */
function flagsOf(text: string): number {
  let flags = 0;
  if (/(?:^|\n)set-cookie[ \t]*:/i.test(text)) flags |= HAS_SET_COOKIE;
  if (/(?:^|\n)location[ \t]*:/i.test(text)) flags |= HAS_LOCATION;
  return flags;
}

/**
 * The header block as names and values (name, value, name, value ...): a line is `name: value` (the
 * value's surrounding spaces and tabs trimmed); a line starting with a space or tab continues the
 * previous value; other lines are ignored. llhttp's lines are all of the first kind.
 */
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
