import { createHmac, randomBytes } from 'node:crypto';
import type { Stack } from '../stack/resolve.js';
import { ATTR_EVENT_NAME, ATTR_VERB, RESOURCE_SERVICE_NAME, RESOURCE_SERVICE_VERSION, SCOPE_NAME } from '@telemetry-stack/client/names';
import { ATTR_SESSION_ID, ATTR_USER_EMAIL, ATTR_USER_ID, CLAUDE_CODE_SCOPE_NAME, CLAUDE_CODE_SERVICE_NAME } from '../vocabulary/claude-code.js';

/**
 * A canary record for `verify`: it must pass the stack's own source filter, carry a planted fake
 * secret and email that must arrive masked, and a user id that must arrive hashed.
 */
export interface Canary {
  id: string;
  secret: string;
  email: string;
  userId: string;
  /** Resource service.name the canary claims, chosen so an enabled profile accepts it. */
  serviceName: string;
  scopeName: string;
  sentAtMs: number;
}

export function makeCanary(stack: Stack): Canary {
  const id = `canary-${randomBytes(6).toString('hex')}`;
  // Shaped like an Anthropic API key so the secret ruleset must catch it; never a real key.
  const secret = `sk-ant-api03-${randomBytes(30).toString('base64url')}-${randomBytes(4).toString('hex')}AA`;
  const useClaude = stack.profiles.includes('claude-code') || !stack.profiles.includes('cli-usage');
  return {
    id,
    secret,
    email: `${id}@example.com`,
    userId: `verify-user-${id}`,
    serviceName: useClaude ? CLAUDE_CODE_SERVICE_NAME : 'telemetry-stack-verify',
    scopeName: useClaude ? CLAUDE_CODE_SCOPE_NAME : SCOPE_NAME,
    sentAtMs: Date.now(),
  };
}

/** The canary's metric, which verify looks for in storage. */
export const CANARY_METRIC_NAME = 'telemetry_stack.verify.canary';

const str = (key: string, value: string) => ({ key, value: { stringValue: value } });

/** OTLP/JSON logs payload: one event whose body and attributes carry the planted values. */
export function canaryLogs(c: Canary): unknown {
  const nanos = `${BigInt(c.sentAtMs) * 1_000_000n}`;
  return {
    resourceLogs: [
      {
        resource: { attributes: [str(RESOURCE_SERVICE_NAME, c.serviceName), str(RESOURCE_SERVICE_VERSION, 'verify')] },
        scopeLogs: [
          {
            scope: { name: c.scopeName },
            logRecords: [
              {
                timeUnixNano: nanos,
                observedTimeUnixNano: nanos,
                severityNumber: 9,
                severityText: 'INFO',
                body: { stringValue: `${c.id} token=${c.secret} contact ${c.email}` },
                attributes: [str(ATTR_EVENT_NAME, 'verify_canary'), str(ATTR_SESSION_ID, c.id), str(ATTR_VERB, 'verify canary'), str(ATTR_USER_ID, c.userId), str(ATTR_USER_EMAIL, c.email)],
              },
            ],
          },
        ],
      },
    ],
  };
}

/** OTLP/JSON metrics payload: one delta sum point tagged with the canary id. */
export function canaryMetrics(c: Canary): unknown {
  const nanos = `${BigInt(c.sentAtMs) * 1_000_000n}`;
  return {
    resourceMetrics: [
      {
        resource: { attributes: [str(RESOURCE_SERVICE_NAME, c.serviceName)] },
        scopeMetrics: [
          {
            scope: { name: c.scopeName },
            metrics: [
              {
                name: CANARY_METRIC_NAME,
                unit: '1',
                sum: {
                  aggregationTemporality: 1,
                  isMonotonic: true,
                  // The id rides in an attribute each profile keeps (session.id for claude-code, cli.verb for cli-usage).
                  dataPoints: [{ startTimeUnixNano: nanos, timeUnixNano: nanos, asDouble: 1, attributes: [str(ATTR_SESSION_ID, c.id), str(ATTR_VERB, `verify ${c.id}`)] }],
                },
              },
            ],
          },
        ],
      },
    ],
  };
}

/** The hash the pipeline must have written for the canary's user id (redaction hmac-sha256, hex). */
export function expectedUserHash(key: string, userId: string): string {
  return createHmac('sha256', key).update(userId).digest('hex');
}
