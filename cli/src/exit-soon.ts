// A finished command ends the process even when a library left a timer behind (the embedded runner
// keeps a maxDuration timer of shared-iterations alive for minutes). Unref'd: a clean exit is not delayed.
export function exitSoon(code: number): void {
  process.exitCode = code;
  setTimeout(() => process.exit(code), 200).unref();
}
