// The booking API's public entry: build the app from a configuration (tests, serve, bench), or read one.

export { INVARIANT_NAMES } from './admin/invariants.ts';
export { FaultBody } from './admin/plugin.ts';
export { SEED_PASSWORD } from './admin/seed.ts';
export { type BuildOverrides, buildApp } from './app.ts';
export { type ApiConfig, ConfigError, loadConfig } from './config.ts';
export type { AppContext } from './context.ts';
export { DEFECT_IDS, type DefectId, InvalidDefectError, type Profile } from './defects.ts';
export type { Database, PoolStats } from './storage/index.ts';
