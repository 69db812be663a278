// What the simulator's plugins share: the ledger, the notice sender and the current fault schedule.

import type { FaultHistory } from '../../shared/fault-history.ts';
import type { BillStore } from './bills/store.ts';
import type { BillingSimConfig } from './config.ts';
import { type FaultSettings, NO_FAULTS } from './faults/schedule.ts';
import type { NoticeSender } from './notices/sender.ts';

export interface SimState {
  config: BillingSimConfig;
  store: BillStore;
  sender: NoticeSender;
  /** Replaced wholesale on every admin update, read on every call. */
  faults: FaultSettings;
  /** Every change of the schedule, for GET /admin/faults/history (the run's faults.ndjson). */
  faultHistory: FaultHistory;
}

export function initialFaults(): FaultSettings {
  return NO_FAULTS;
}
