import { RESOURCE_FINGERPRINT } from '@telemetry-stack/client/names';
import { ATTR_USER_EMAIL, ATTR_USER_ID } from '../vocabulary/claude-code.js';

/**
 * The Distributed tables' sharding key: the user identity the query templates read (the keyed
 * hashes the Collector stored), so all of one user's records, and so every one of their sessions,
 * live on one shard. Records without a user fall back to the install fingerprint, then to the
 * row's own time: never a random number, because a retried block must split across the shards
 * exactly as it did the first time for each shard to recognize it as a duplicate.
 */
export function shardingKey(table: { userAttributes: string; time: string }): string {
  const a = table.userAttributes;
  return `cityHash64(coalesce(nullIf(${a}['${ATTR_USER_EMAIL}'], ''), nullIf(${a}['${ATTR_USER_ID}'], ''), nullIf(ResourceAttributes['${RESOURCE_FINGERPRINT}'], ''), toString(${table.time})))`;
}
