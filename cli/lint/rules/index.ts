import type { LintRule } from '../rule.js';
import { batchBeforePersistentQueue } from './batch-before-persistent-queue.js';
import { clickhouseWithoutTtl } from './clickhouse-without-ttl.js';
import { contentWithoutMasking } from './content-without-masking.js';
import { deprecatedType } from './deprecated-type.js';
import { exporterWithoutQueueRetry } from './exporter-without-queue-retry.js';
import { memoryLimiterFirst } from './memory-limiter-first.js';
import { receiverExposed } from './receiver-exposed.js';
import { redactionAllowedAndBlocked } from './redaction-allowed-and-blocked.js';
import { undefinedComponent } from './undefined-component.js';
import { unsetEnv } from './unset-env.js';
import { unusedComponent } from './unused-component.js';

export const LINT_RULES: readonly LintRule[] = [
  receiverExposed,
  memoryLimiterFirst,
  batchBeforePersistentQueue,
  exporterWithoutQueueRetry,
  undefinedComponent,
  unusedComponent,
  redactionAllowedAndBlocked,
  deprecatedType,
  clickhouseWithoutTtl,
  unsetEnv,
  contentWithoutMasking,
];
