import { describe, expect, it } from 'vitest';
import { renderCollectorConfig } from '../../cli/render/collector-config.js';
import { renderSanitizeChain } from '../../cli/render/sanitize/chain.js';
import { parseStackFile } from '../../cli/stack/load.js';
import { resolveStack } from '../../cli/stack/resolve.js';

const stackOf = (yaml: string) => resolveStack(parseStackFile(`version: 1\ndataDir: /d\n${yaml}`, 's.yaml', {}).stack!, '/s.yaml', {});
const inputs = { secretPatterns: ['sk-ant-[A-Za-z0-9_-]{20,}'] };

describe('sanitize chain', () => {
  it('drops sources whose profile is off, and has no source filter when generic is on', () => {
    expect(renderSanitizeChain(stackOf('profiles: [cli-usage]'), inputs).order.logs[0]).toBe('filter/sources');
    expect(renderSanitizeChain(stackOf('profiles: [cli-usage, generic]'), inputs).order.logs).not.toContain('filter/sources');
  });

  it('hashes user ids with the key from the named env var, or drops them', () => {
    const hmac = renderSanitizeChain(stackOf('privacy: {userId: {keyEnv: MY_KEY}}'), inputs);
    expect(hmac.processors['redaction/user']).toMatchObject({ hash_function: 'hmac-sha256', hmac_key: '${env:MY_KEY}' });
    const drop = renderSanitizeChain(stackOf('privacy: {userId: {mode: drop}}'), inputs);
    expect(drop.processors['redaction/user']).toBeUndefined();
    expect(JSON.stringify(drop.processors['transform/allow'])).not.toContain('"user.id"');
  });

  it('keeps prompt text only when the policy says so, and exempts kept content from masking', () => {
    const dropped = JSON.stringify(renderSanitizeChain(stackOf(''), inputs).processors['transform/allow']);
    expect(dropped).not.toContain('\\"prompt\\"');
    const kept = renderSanitizeChain(stackOf('privacy: {promptText: keep}'), inputs);
    expect(JSON.stringify(kept.processors['transform/allow'])).toContain('\\"prompt\\"');
    expect((kept.processors['redaction/values'] as { ignored_keys: string[] }).ignored_keys).toContain('prompt');
  });

  it('masks secrets, emails and IPs unless turned off, plus extra patterns', () => {
    const all = renderSanitizeChain(stackOf('privacy: {blockedPatterns: ["ACME-[0-9]+"]}'), inputs).processors['redaction/values'] as { blocked_values: string[] };
    expect(all.blocked_values).toContain('sk-ant-[A-Za-z0-9_-]{20,}');
    expect(all.blocked_values).toContain('ACME-[0-9]+');
    // secret, email, IPv4, IPv6 (two patterns), home paths (the redaction backstop, two), extra
    expect(all.blocked_values).toHaveLength(8);
    // A user's own patterns are not analysed for inert shapes: with any of them every value is scanned.
    expect(all).not.toHaveProperty('allowed_values');
    const builtIn = renderSanitizeChain(stackOf(''), inputs).processors['redaction/values'] as { allowed_values: string[] };
    expect(builtIn.allowed_values).toContain('^[0-9a-f-]{1,40}$');
    const none = renderSanitizeChain(stackOf('privacy: {maskSecrets: false, maskEmails: false, maskIpAddresses: false, maskHomePaths: false}'), inputs);
    expect(none.processors['redaction/values']).toBeUndefined();
  });

  it('never puts a batch processor in front of the persistent queue; memory_limiter is first', () => {
    const config = renderCollectorConfig(stackOf(''), inputs, 'process') as { service: { pipelines: Record<string, { processors: string[] }> } };
    for (const p of Object.values(config.service.pipelines)) {
      expect(p.processors[0]).toBe('memory_limiter');
      expect(p.processors.some((id) => id.startsWith('batch'))).toBe(false);
    }
  });

  it('renders only a logs pipeline for Loki (it stores logs, not metrics)', () => {
    const config = renderCollectorConfig(stackOf('backend: loki'), inputs, 'process') as { service: { pipelines: object }; exporters: object };
    expect(Object.keys(config.service.pipelines)).toEqual(['logs']);
    expect(Object.keys(config.exporters)).toEqual(['otlp_http/loki']);
  });
});
