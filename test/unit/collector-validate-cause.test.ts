import { describe, expect, it } from 'vitest';
import { collectorErrorCause, notInDistribution } from '../../cli/collector/validate.js';

describe('collector validate output', () => {
  it('joins the nested decode errors into the whole cause, without the "decoding failed" headers', () => {
    const out = [
      'Error: failed to get config: cannot unmarshal the configuration: decoding failed due to the following error(s):',
      '',
      '\'receivers\' error reading configuration for "otlp": decoding failed due to the following error(s):',
      '',
      "'protocols.grpc' decoding failed due to the following error(s):",
      '',
      "'configgrpc.ServerConfig' has invalid keys: endpont",
    ].join('\n');
    expect(collectorErrorCause(out, 1)).toBe(
      "failed to get config: cannot unmarshal the configuration: 'receivers' error reading configuration for \"otlp\": 'protocols.grpc': 'configgrpc.ServerConfig' has invalid keys: endpont",
    );
  });

  it('tells a component missing from this distribution from a typo', () => {
    expect(notInDistribution('\'receivers\' unknown type: "file_log" for id: "file_log" (valid values: [otlp])')).toEqual({ kind: 'receivers', type: 'file_log' });
    expect(notInDistribution('\'processors\' unknown type: "memory_limitr" for id: "memory_limitr" (valid values: [memory_limiter])')).toBeUndefined();
  });
});
