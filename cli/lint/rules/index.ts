import type { LintRule } from '../rule.js';
import { batchBeforePersistentQueue } from './batch-before-persistent-queue.js';
import { clickhouseWithoutTtl } from './clickhouse-without-ttl.js';
import { contentWithoutMasking } from './content-without-masking.js';
import { deprecatedType } from './deprecated-type.js';
import { exporterWithoutQueueRetry } from './exporter-without-queue-retry.js';
import { listenerExposed } from './listener-exposed.js';
import { memoryLimiterFirst } from './memory-limiter-first.js';
import { queueNotPersistent } from './queue-not-persistent.js';
import { redactionAllowedAndBlocked } from './redaction-allowed-and-blocked.js';
import { removedKey } from './removed-key.js';
import { undefinedComponent } from './undefined-component.js';
import { unknownComponentType } from './unknown-component-type.js';
import { unsetEnv } from './unset-env.js';
import { unusedComponent } from './unused-component.js';

export const LINT_RULES: readonly LintRule[] = [
  listenerExposed,
  memoryLimiterFirst,
  batchBeforePersistentQueue,
  exporterWithoutQueueRetry,
  queueNotPersistent,
  undefinedComponent,
  unusedComponent,
  unknownComponentType,
  deprecatedType,
  removedKey,
  redactionAllowedAndBlocked,
  clickhouseWithoutTtl,
  unsetEnv,
  contentWithoutMasking,
];
