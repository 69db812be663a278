// Named errors of the runner. Each carries the k6 exit code the run ends with when it is the cause.

/** k6's exit codes (errext/exitcodes), the subset the runner can produce. */
export const ExitCode = {
  ok: 0,
  thresholdsFailed: 99,
  setupTimeout: 100,
  teardownTimeout: 101,
  invalidConfig: 104,
  externalAbort: 105,
  scriptException: 107,
  scriptAborted: 108,
  markedAsFailed: 110,
} as const;
export type ExitCodeValue = (typeof ExitCode)[keyof typeof ExitCode];

export class RunnerError extends Error {
  readonly exitCode: number;
  constructor(message: string, exitCode: number) {
    super(message);
    this.name = new.target.name;
    this.exitCode = exitCode;
  }
}

/** Options or thresholds that cannot be run (k6 exit 104). */
export class InvalidConfigError extends RunnerError {
  constructor(message: string) {
    super(message, ExitCode.invalidConfig);
  }
}

/** The script threw during init, setup or teardown (k6 exit 107). */
export class ScriptError extends RunnerError {
  constructor(message: string) {
    super(message, ExitCode.scriptException);
  }
}

/** A synchronous k6 API the runner does not provide; the message names the asynchronous replacement. */
export class SyncApiRefusedError extends RunnerError {
  constructor(api: string, replacement: string) {
    super(`${api} is synchronous and is not supported by the embedded runner: use ${replacement}`, 107);
  }
}

/**
 * A k6 option or request parameter the runner does not reproduce: refused with one line naming it, so a
 * script never runs with a setting silently ignored (docs/K6-COMPAT.md).
 */
export class UnsupportedFeatureError extends RunnerError {
  constructor(what: string, hint = '') {
    super(
      `${what} is not supported by the embedded runner${hint ? `: ${hint}` : ''}`,
      ExitCode.invalidConfig,
    );
  }
}

/** `exec.test.abort()` was called (k6 exit 108). */
export class TestAbortedError extends RunnerError {
  constructor(reason: string) {
    super(reason ? `test aborted: ${reason}` : 'test aborted', ExitCode.scriptAborted);
  }
}

/** A request to a host outside loopback without --allow-remote-target (a safety stop, exit 104). */
export class RemoteTargetRefusedError extends RunnerError {
  constructor(host: string) {
    super(
      `refusing to send load to ${host}: only loopback targets (127.0.0.0/8, ::1, localhost) are allowed; pass --allow-remote-target to load a remote host`,
      ExitCode.invalidConfig,
    );
  }
}

/** setup() or teardown() ran past its timeout. */
export class LifecycleTimeoutError extends RunnerError {
  constructor(phase: 'setup' | 'teardown', ms: number) {
    super(
      `${phase}() timed out after ${ms / 1000}s`,
      phase === 'setup' ? ExitCode.setupTimeout : ExitCode.teardownTimeout,
    );
  }
}

/** Thrown inside an interrupted iteration so that its remaining steps stop (never reported). */
export class IterationInterruptedError extends Error {
  constructor() {
    super('iteration interrupted');
    this.name = 'IterationInterruptedError';
  }
}

export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** A threshold with abortOnFail failed during the run (k6 exit 99). */
export class ThresholdAbortError extends RunnerError {
  constructor(thresholds: string[]) {
    super(`thresholds crossed with abortOnFail: ${thresholds.join(', ')}`, ExitCode.thresholdsFailed);
  }
}

/** The run was stopped from outside (SIGINT or the caller's AbortSignal), like k6's exit 105. */
export class ExternalAbortError extends RunnerError {
  constructor() {
    super('test run was stopped from outside (interrupt)', ExitCode.externalAbort);
  }
}
