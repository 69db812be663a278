// What every feature plugin is given: configuration, storage, clock, the chosen defect variants and
// shared services. Plugins receive it as options (explicit wiring) instead of reaching into each other.
import type { Clock } from '../../shared/clock.ts';
import type { DomainMetrics } from '../../telemetry/index.ts';
import type { Mailbox } from './accounts/mailbox.ts';
import type { TokenSigner } from './accounts/tokens.ts';
import type { Faults } from './admin/faults.ts';
import type { ApiConfig } from './config.ts';
import type { DefectSet, Variants } from './defects/index.ts';
import type { DocumentFolder } from './documents/folder.ts';
import type { AvailabilityCache } from './offices/availability-cache.ts';
import type { BillingClient } from './payments/billing-client.ts';
import type { Database } from './storage/index.ts';

export interface AppContext {
  config: ApiConfig;
  db: Database;
  clock: Clock;
  /** The active defects, for reports (GET /admin/config); the flows read `variants` instead. */
  defects: DefectSet;
  /** Each defect's behaviour, legacy or fixed, chosen once at start (defects/index.ts). */
  variants: Variants;
  /** Office calendars, cached for overload-collapse's fix and forgotten when quota changes. */
  availability: AvailabilityCache;
  tokens: TokenSigner;
  mailbox: Mailbox;
  faults: Faults;
  /** The files of the document store (documents/folder.ts). */
  documents: DocumentFolder;
  billing: BillingClient;
  /** Domain metrics (telemetry/metrics.ts): one call at each domain step. */
  metrics: DomainMetrics;
  /** One precomputed scrypt hash reused for seeded accounts (keeps /admin/seed fast). */
  seedPasswordHash: () => Promise<string>;
}

export interface PluginOptions {
  ctx: AppContext;
}
