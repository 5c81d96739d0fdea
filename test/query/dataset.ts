import { CLAUDE_SCOPE, CLI_SCOPE, claudeEvent, command, DAY, type LogRecord, type ResourceLogs } from './otlp.js';

/**
 * The events every template test sends through the real Collector, with times relative to `now`:
 * T3 and T2 fall on whole days inside a 7-day range (the rollups answer them), T1 on the partial
 * day at its end (raw events answer it), T0 outside the range.
 */
export function times(now: number) {
  return { T0: now - 10 * DAY, T3: now - 3 * DAY, T2: now - 2 * DAY, T1: now - 15 * 60_000 };
}

const cliResource = (service: string, fingerprint: string) => ({ 'service.name': service, 'service.version': '1.2.0', 'cli.fingerprint': fingerprint });

export function cliUsage(now: number, at: ReturnType<typeof times> = times(now)): ResourceLogs[] {
  const { T0, T3, T2, T1 } = at;
  return [
    {
      resource: cliResource('tinycli', 'fp-a'),
      scope: CLI_SCOPE,
      records: [command(T3, 'deploy', 0), command(T3 + 1000, 'deploy', 1), command(T3 + 2000, 'status', 0), command(T2, 'deploy', 0), command(T1, 'login', 1), command(T0, 'deploy', 1)],
    },
    { resource: cliResource('tinycli', 'fp-b'), scope: CLI_SCOPE, records: [command(T2 + 1000, 'deploy', 0), command(T2 + 2000, 'deploy', 2), command(T1 + 1000, 'login')] },
    { resource: cliResource('tinycli', 'fp-c'), scope: CLI_SCOPE, records: [command(T3 + 3000, 'status', 0), command(T1 + 2000, 'status', 0)] },
    { resource: cliResource('othercli', 'fp-z'), scope: CLI_SCOPE, records: [command(T2 + 3000, 'deploy', 0)] },
    {
      // Heartbeat-mode records share the scope; they are not commands and must not be counted.
      resource: { 'service.name': 'tinycli', 'service.version': '1.2.0', 'service.instance.id': 'inst-1' },
      scope: CLI_SCOPE,
      records: [
        { timeMs: T1 + 3000, eventName: 'cli.heartbeat', attrs: { 'event.name': 'cli.heartbeat', 'heartbeat.dropped': 0 } },
        { timeMs: T1 + 3000, eventName: 'cli.usage', attrs: { 'event.name': 'cli.usage', 'usage.category': 'command', 'usage.name': 'deploy', 'usage.count': 7 } },
      ],
    },
  ];
}

export const ALICE = { email: 'alice@example.com', id: 'uid-alice' };
export const BOB = { id: 'uid-bob' };

const alice = { 'user.email': ALICE.email, 'user.id': ALICE.id };
const bob = { 'user.id': BOB.id };
const SONNET = 'claude-sonnet-4-5';
const HAIKU = 'claude-haiku-4-5';
const OPUS = 'claude-opus-4-1';
const request = (model: string, cost: number, input: number, output: number, cacheRead: number, cacheCreation: number) => ({
  model,
  cost_usd: cost,
  input_tokens: input,
  output_tokens: output,
  cache_read_tokens: cacheRead,
  cache_creation_tokens: cacheCreation,
  duration_ms: 1200,
});

export function claudeCode(now: number): ResourceLogs[] {
  const { T0, T3, T2, T1 } = times(now);
  const s = 1000;
  const aliceRecords: LogRecord[] = [
    claudeEvent(T3, 'api_request', { ...alice, 'session.id': 'a1', ...request(OPUS, 1.5, 500, 800, 0, 100) }),
    claudeEvent(T3 + s, 'api_error', { ...alice, 'session.id': 'a1', model: OPUS, status_code: 500, error: 'Internal server error', attempt: 1 }),
    claudeEvent(T2, 'api_request', { ...alice, 'session.id': 'a2', ...request(SONNET, 0.25, 1000, 500, 3000, 200) }),
    claudeEvent(T2 + s, 'api_error', { ...alice, 'session.id': 'a2', model: SONNET, status_code: 529, error: 'Overloaded', attempt: 1 }),
    claudeEvent(T2 + 2 * s, 'tool_result', { ...alice, 'session.id': 'a2', tool_name: 'Bash', success: true, duration_ms: 30 }),
    claudeEvent(T2 + 3 * s, 'tool_result', { ...alice, 'session.id': 'a2', tool_name: 'Bash', success: false, error_type: 'exit_code', duration_ms: 30 }),
    claudeEvent(T2 + 4 * s, 'tool_result', { ...alice, 'session.id': 'a2', tool_name: 'Read', success: true, duration_ms: 5 }),
    // Session a3 spans exactly 90 seconds: 1.5 minutes.
    claudeEvent(T1, 'user_prompt', { ...alice, 'session.id': 'a3', prompt_length: 42 }),
    claudeEvent(T1 + 10 * s, 'api_request', { ...alice, 'session.id': 'a3', ...request(SONNET, 0.75, 2000, 1500, 1000, 0) }),
    claudeEvent(T1 + 20 * s, 'api_error', { ...alice, 'session.id': 'a3', model: SONNET, status_code: 529, error: 'Overloaded', attempt: 2 }),
    claudeEvent(T1 + 30 * s, 'tool_result', { ...alice, 'session.id': 'a3', tool_name: 'Bash', success: true, duration_ms: 30 }),
    claudeEvent(T1 + 40 * s, 'tool_result', { ...alice, 'session.id': 'a3', tool_name: 'Edit', success: false, error_type: 'file_not_found', duration_ms: 3 }),
    claudeEvent(T1 + 50 * s, 'tool_result', { ...alice, 'session.id': 'a3', tool_name: 'Bash', success: false, error_type: 'exit_code', duration_ms: 30 }),
    claudeEvent(T1 + 60 * s, 'tool_result', { ...alice, 'session.id': 'a3', tool_name: 'Bash', success: true, duration_ms: 30 }),
    claudeEvent(T1 + 90 * s, 'user_prompt', { ...alice, 'session.id': 'a3', prompt_length: 7 }),
    claudeEvent(T0, 'api_request', { ...alice, 'session.id': 'a0', ...request(SONNET, 9.99, 1, 1, 1, 1) }),
  ];
  const bobRecords: LogRecord[] = [
    claudeEvent(T2 + 30 * s, 'api_request', { ...bob, 'session.id': 'b1', ...request(SONNET, 0.1, 300, 100, 600, 0) }),
    claudeEvent(T1 + 100 * s, 'user_prompt', { ...bob, 'session.id': 'b2', prompt_length: 12 }),
    claudeEvent(T1 + 110 * s, 'api_request', { ...bob, 'session.id': 'b2', ...request(HAIKU, 0.02, 100, 50, 0, 0) }),
    claudeEvent(T1 + 120 * s, 'api_error', { ...bob, 'session.id': 'b2', model: HAIKU, status_code: 429, error: 'Rate limited', attempt: 1 }),
    claudeEvent(T1 + 130 * s, 'tool_result', { ...bob, 'session.id': 'b2', tool_name: 'Read', success: true, duration_ms: 4 }),
  ];
  const carolRecords: LogRecord[] = [claudeEvent(T3 + 30 * s, 'api_request', { 'session.id': 'c1', ...request(HAIKU, 0.03, 200, 60, 0, 0) })];
  const resource = (extra: Record<string, string>) => ({ 'service.name': 'claude-code', 'service.version': '2.1.197', 'os.type': 'linux', ...extra });
  return [
    { resource: resource({ team: 'platform', department: 'eng' }), scope: CLAUDE_SCOPE, records: aliceRecords },
    { resource: resource({ team: 'platform' }), scope: CLAUDE_SCOPE, records: bobRecords },
    // No user.email, no user.id: the report falls back to a resource attribute (team, or another).
    { resource: resource({ team: 'platform', department: 'research' }), scope: CLAUDE_SCOPE, records: carolRecords },
  ];
}

export const MODELS = { SONNET, HAIKU, OPUS };

export function recordCount(groups: ResourceLogs[]): number {
  return groups.reduce((a, g) => a + g.records.length, 0);
}
