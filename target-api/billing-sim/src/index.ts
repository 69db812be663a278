// The billing / bank simulator's public entry.
export { buildBillingSim } from './app.ts';
export type { Bill, BillStatus } from './bills/store.ts';
export { type BillingSimConfig, ConfigError, loadConfig, simConfig } from './config.ts';
export { FaultsBody } from './faults/routes.ts';
export type { FaultSettings, FaultsUpdate } from './faults/schedule.ts';
export type { DeliveryRecord, PaymentNotice } from './notices/sender.ts';
