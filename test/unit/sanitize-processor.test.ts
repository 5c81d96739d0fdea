import { describe, expect, it } from 'vitest';
import { lintCollectorConfig } from '../../cli/lint/lint.js';
import { renderCollectorConfig } from '../../cli/render/collector-config.js';
import { renderSanitizeProcessor } from '../../cli/render/sanitize/processor.js';
import { toYaml } from '../../cli/render/yaml.js';
import { parseStackFile } from '../../cli/stack/load.js';
import { resolveStack } from '../../cli/stack/resolve.js';

const stackOf = (yaml: string) => resolveStack(parseStackFile(`version: 1\ndataDir: /d\n${yaml}`, 's.yaml', {}).stack!, '/s.yaml', {});
const inputs = { secretPatterns: ['sk-ant-[A-Za-z0-9_-]{20,}'] };

interface Source {
  name: string;
  match?: Record<string, unknown>;
  log_attributes: string[];
}
const sanitizeOf = (yaml: string) => renderSanitizeProcessor(stackOf(yaml)).processors['sanitize'] as Record<string, unknown> & { sources: Source[] };

describe('sanitize processor config', () => {
  it('is the default engine, one processor in both pipelines; stock renders the chain', () => {
    const pipelines = (config: Record<string, unknown>) => (config['service'] as { pipelines: Record<string, { processors: string[] }> }).pipelines;
    const processor = pipelines(renderCollectorConfig(stackOf(''), inputs, 'process'));
    expect(processor['logs']!.processors).toEqual(['memory_limiter', 'sanitize']);
    expect(processor['metrics']!.processors).toEqual(['memory_limiter', 'sanitize']);
    const stock = pipelines(renderCollectorConfig(stackOf('privacy: {engine: stock}'), inputs, 'process'));
    expect(stock['logs']!.processors).toContain('redaction/values');
    expect(stock['logs']!.processors).not.toContain('sanitize');
  });

  it('lists sources specific first and generic last, with matches the processor reads', () => {
    const { sources } = sanitizeOf('profiles: [generic, cli-usage, claude-code]');
    // cli-usage twice: the client library's scope, or the documented event from any client.
    expect(sources.map((s) => s.name)).toEqual(['cli-usage', 'cli-usage', 'claude-code', 'generic']);
    expect(sources[0]!.match).toEqual({ scope_name: 'telemetry-stack/client' });
    expect(sources[1]!.match).toEqual({ event_names: ['cli.command'] });
    expect(sources[1]!.log_attributes).toEqual(sources[0]!.log_attributes);
    expect(sources[2]!.match).toEqual({ resource_attributes: { 'service.name': 'claude-code' } });
    expect(sources[3]!.match).toBeUndefined();
  });

  it('keeps content keys only as the content policy says, verbatim only when kept', () => {
    const dropped = sanitizeOf('');
    expect(dropped.sources[0]!.log_attributes).not.toContain('prompt');
    expect(dropped['verbatim_keys']).toBeUndefined();
    const masked = sanitizeOf('privacy: {promptText: mask}');
    expect(masked.sources[0]!.log_attributes).toContain('prompt');
    expect(masked['verbatim_keys']).toBeUndefined();
    const kept = sanitizeOf('privacy: {promptText: keep, userId: {mode: keep}}');
    expect(kept['verbatim_keys']).toEqual(['user.id', 'user.email', 'user.account_uuid', 'prompt', 'response', 'assistant_response', 'content']);
    expect(kept['user_id']).toEqual({ keys: ['user.id', 'user.email', 'user.account_uuid'], hash: 'none' });
  });

  it('hashes user ids with the key from the environment, and drops them from the allow-lists in drop mode', () => {
    expect(sanitizeOf('privacy: {userId: {keyEnv: MY_KEY}}')['user_id']).toEqual({ keys: ['user.id', 'user.email', 'user.account_uuid'], hash: 'hmac-sha256', hmac_key: '${env:MY_KEY}' });
    expect(sanitizeOf('privacy: {userId: {mode: drop}}').sources[0]!.log_attributes).not.toContain('user.id');
  });

  it('carries the masks, limits and patterns of the privacy section', () => {
    const s = sanitizeOf('privacy: {masks: stars, maskEmails: false, blockedPatterns: ["ACME-[0-9]+"], maxValueLength: 100, maxAttributes: 8}');
    expect(s).toMatchObject({ mask: 'stars', mask_emails: false, mask_ip_addresses: true, blocked_patterns: ['ACME-[0-9]+'], max_value_length: 100, max_attributes: 8, secrets: { enabled: true } });
  });

  it('passes the lint rules, and content with secret masking off is flagged', () => {
    const env = { TELEMETRY_STACK_HMAC_KEY: 'k'.repeat(32) };
    const lint = (yaml: string) => lintCollectorConfig('c.yaml', toYaml(renderCollectorConfig(stackOf(yaml), inputs, 'process'), ''), { env });
    expect(lint('privacy: {promptText: mask}').filter((f) => f.severity === 'error')).toEqual([]);
    expect(lint('privacy: {promptText: mask, maskSecrets: false}').map((f) => f.rule)).toContain('content-without-masking');
  });
});
