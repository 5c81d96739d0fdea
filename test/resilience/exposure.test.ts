import { X509Certificate } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { request as httpsRequest } from 'node:https';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isLoopbackListener, listeningSocketsOf } from '../../cli/net/listening-sockets.js';
import { encodeLogsRequest, grpcCall, GRPC_STATUS } from './otlp-wire.js';
import { logsPayload, readRunRecord, startStack, stackUpForSuite, type RunningStack } from './support.js';

const TOKEN_ENV = 'RESILIENCE_TEAM_TOKEN';

function stackPids(stack: RunningStack): number[] {
  return ['clickhouse', 'collector'].map((c) => readRunRecord(stack.dataDir, c).pid);
}

function mode(path: string): string {
  return (statSync(path).mode & 0o777).toString(8).padStart(4, '0');
}

/** Every file under a directory, as text. */
function allText(dir: string): { file: string; text: string }[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => {
      const file = join(e.parentPath, e.name);
      return { file, text: readFileSync(file, 'utf8') };
    });
}

function expectNoSecret(where: string, text: string, secrets: Record<string, string>): void {
  for (const [name, value] of Object.entries(secrets)) expect(text.includes(value), `${name} appears in ${where}`).toBe(false);
}

describe('exposure: a default stack (process runtime)', () => {
  let stack: RunningStack;
  stackUpForSuite((s) => (stack = s));

  it('listens on loopback only, on exactly the ports in the stack file', () => {
    const sockets = listeningSocketsOf(stackPids(stack));
    const ports = stack.ports;
    console.log(`[exposure default] LISTEN sockets of the stack's pids: ${sockets.map((s) => `${s.address}:${s.port} (pid ${s.pid})`).join(', ')}`);
    expect(sockets.filter((s) => !isLoopbackListener(s.address))).toEqual([]);
    expect(new Set(sockets.map((s) => s.port))).toEqual(new Set([ports.grpc, ports.http, ports.health, ports.metrics, ports.storage, ports.native]));
  });

  it('keeps generated secrets 0600 in a 0700 directory, and out of status, logs and rendered configs', async () => {
    const secretsDir = join(stack.dataDir, 'secrets');
    const secrets = {
      'ClickHouse password': readFileSync(join(secretsDir, 'clickhouse-password'), 'utf8').trim(),
      'HMAC key': readFileSync(join(secretsDir, 'hmac-key'), 'utf8').trim(),
    };
    const modes = { dir: mode(secretsDir), password: mode(join(secretsDir, 'clickhouse-password')), hmac: mode(join(secretsDir, 'hmac-key')) };
    const status = await stack.cli(['status']);
    const statusJson = await stack.cli(['status', '--json']);
    const verify = await stack.cli(['verify', '--json']);
    const logs = allText(join(stack.dataDir, 'logs'));
    const configs = allText(join(stack.dataDir, 'config'));
    console.log(
      `[exposure default] secrets dir ${modes.dir}, clickhouse-password ${modes.password}, hmac-key ${modes.hmac}; ` +
        `searched status (text and JSON), verify JSON, ${logs.length} log files, ${configs.length} rendered files`,
    );

    expect(modes).toEqual({ dir: '0700', password: '0600', hmac: '0600' });
    expect(secrets['ClickHouse password'].length).toBeGreaterThanOrEqual(32);
    expect(secrets['HMAC key'].length).toBeGreaterThanOrEqual(64);
    expect(status.exitCode).toBe(0);
    expect(verify.exitCode).toBe(0);
    expectNoSecret('status', status.stdout + status.stderr, secrets);
    expectNoSecret('status --json', statusJson.stdout, secrets);
    expectNoSecret('verify --json', verify.stdout + verify.stderr, secrets);
    for (const { file, text } of [...logs, ...configs]) expectNoSecret(file, text, secrets);
    const collectorYaml = readFileSync(join(stack.dataDir, 'config', 'collector.yaml'), 'utf8');
    expect(collectorYaml).toContain('${env:TELEMETRY_STACK_CLICKHOUSE_PASSWORD}');
    expect(collectorYaml).toContain('${env:TELEMETRY_STACK_HMAC_KEY}');
  });
});

describe('exposure: team mode on 127.0.0.2 with a bearer token', () => {
  let stack: RunningStack;
  const token = `team-${Date.now().toString(36)}${Math.random().toString(36).slice(2)}${Math.random().toString(36).slice(2)}`;
  const env = { ...process.env, [TOKEN_ENV]: token };

  beforeAll(async () => {
    // 127.0.0.2 is loopback for traffic but not the default address: the auth path runs as it
    // would on 0.0.0.0, and nothing is reachable from beyond this machine.
    stack = await startStack('', env, `  bind: 127.0.0.2\n  auth: {bearerTokenEnv: ${TOKEN_ENV}}`);
    await stack.up(env);
  });

  afterAll(async () => {
    if (stack) await stack.down();
  });

  it('binds the receivers to 127.0.0.2 and everything else to 127.0.0.1', () => {
    const sockets = listeningSocketsOf(stackPids(stack));
    const at = (port: number) => sockets.filter((s) => s.port === port).map((s) => s.address);
    console.log(`[exposure team] LISTEN sockets: ${sockets.map((s) => `${s.address}:${s.port}`).join(', ')}`);
    expect(at(stack.ports.http)).toEqual(['127.0.0.2']);
    expect(at(stack.ports.grpc)).toEqual(['127.0.0.2']);
    expect(at(stack.ports.health)).toEqual(['127.0.0.1']);
    expect(sockets.every((s) => isLoopbackListener(s.address))).toBe(true);
  });

  it('answers 401 / Unauthenticated without the token and accepts it with the token', async () => {
    const url = `http://127.0.0.2:${stack.ports.http}/v1/logs`;
    const post = async (headers: Record<string, string>) => {
      const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: logsPayload('teamauth', 0, 1), signal: AbortSignal.timeout(10_000) });
      await res.arrayBuffer();
      return res.status;
    };
    const http = {
      none: await post({}),
      wrong: await post({ authorization: 'Bearer not-the-token' }),
      basic: await post({ authorization: `Basic ${Buffer.from(`x:${token}`).toString('base64')}` }),
      right: await post({ authorization: `Bearer ${token}` }),
    };
    const message = encodeLogsRequest('resilience-cli', 'telemetry-stack/client', [{ body: 'team grpc' }]);
    const grpcAt = `http://127.0.0.2:${stack.ports.grpc}`;
    const grpc = {
      none: (await grpcCall(grpcAt, message)).status,
      wrong: (await grpcCall(grpcAt, message, { headers: { authorization: 'Bearer not-the-token' } })).status,
      right: (await grpcCall(grpcAt, message, { headers: { authorization: `Bearer ${token}` } })).status,
    };
    console.log(`[exposure team] OTLP/HTTP ${JSON.stringify(http)}; gRPC status ${JSON.stringify(grpc)}`);
    expect(http).toEqual({ none: 401, wrong: 401, basic: 401, right: 200 });
    expect(grpc).toEqual({ none: GRPC_STATUS.UNAUTHENTICATED, wrong: GRPC_STATUS.UNAUTHENTICATED, right: GRPC_STATUS.OK });
  });

  it('keeps the token out of status, logs and rendered configs, and verify passes with it', async () => {
    const verify = await stack.cli(['verify', '--json'], env);
    const status = await stack.cli(['status', '--json'], env);
    const texts = [...allText(join(stack.dataDir, 'logs')), ...allText(join(stack.dataDir, 'config'))];
    for (const { file, text } of texts) expectNoSecret(file, text, { 'bearer token': token });
    expectNoSecret('status', status.stdout + status.stderr, { 'bearer token': token });
    expectNoSecret('verify', verify.stdout + verify.stderr, { 'bearer token': token });
    expect(readFileSync(join(stack.dataDir, 'config', 'collector.yaml'), 'utf8')).toContain(`\${env:${TOKEN_ENV}}`);
    expect((JSON.parse(verify.stdout) as { checks: { name: string; ok: boolean }[] }).checks.filter((c) => !c.ok)).toEqual([]);
  });
});

describe('exposure: TLS with a generated certificate (receivers.tls.generate)', () => {
  let stack: RunningStack;
  stackUpForSuite((s) => (stack = s), '', process.env, '  tls: {generate: true}');

  it('generates a CA and a server certificate with private keys 0600', () => {
    const dir = join(stack.dataDir, 'tls');
    const ca = new X509Certificate(readFileSync(join(dir, 'ca.pem')));
    const cert = new X509Certificate(readFileSync(join(dir, 'cert.pem')));
    const modes = { dir: mode(dir), caKey: mode(join(dir, 'ca-key.pem')), key: mode(join(dir, 'key.pem')) };
    console.log(`[exposure tls] ${cert.subject} issued by ${cert.issuer}, SAN ${cert.subjectAltName}, valid to ${cert.validTo}; modes ${JSON.stringify(modes)}`);
    expect(modes).toEqual({ dir: '0700', caKey: '0600', key: '0600' });
    expect(ca.ca).toBe(true);
    expect(cert.ca).toBe(false);
    expect(cert.checkIssued(ca)).toBe(true);
    expect(cert.verify(ca.publicKey)).toBe(true);
    expect(cert.checkIP('127.0.0.1')).toBe('127.0.0.1');
  });

  it('serves OTLP over HTTPS and gRPC with TLS to a client that trusts the CA, and only then', async () => {
    const ca = readFileSync(join(stack.dataDir, 'tls', 'ca.pem'));
    const body = logsPayload('tlsok', 0, 1);
    const https = (opts: { ca?: Buffer }) =>
      new Promise<string>((resolve) => {
        const req = httpsRequest({ host: '127.0.0.1', port: stack.ports.http, path: '/v1/logs', method: 'POST', headers: { 'content-type': 'application/json' }, timeout: 10_000, ...opts }, (res) => {
          res.resume();
          res.on('end', () => resolve(String(res.statusCode)));
        });
        req.on('error', (e: NodeJS.ErrnoException) => resolve(`error:${e.code ?? e.message}`));
        req.end(body);
      });
    const trusted = await https({ ca });
    const untrusted = await https({});
    const plain = await fetch(`http://127.0.0.1:${stack.ports.http}/v1/logs`, { method: 'POST', headers: { 'content-type': 'application/json' }, body, signal: AbortSignal.timeout(10_000) })
      .then(async (r) => `${r.status} ${(await r.text()).slice(0, 60)}`)
      .catch((e: Error) => `error:${e.message}`);
    const grpc = await grpcCall(`https://127.0.0.1:${stack.ports.grpc}`, encodeLogsRequest('resilience-cli', 'telemetry-stack/client', [{ body: 'tls grpc' }]), { ca });
    console.log(`[exposure tls] HTTPS trusting the CA: ${trusted}; without the CA: ${untrusted}; plain HTTP to the TLS port: ${plain}; gRPC over TLS: status ${grpc.status}`);
    expect(trusted).toBe('200');
    expect(untrusted).toMatch(/^error:(SELF_SIGNED_CERT_IN_CHAIN|UNABLE_TO_VERIFY_LEAF_SIGNATURE|UNABLE_TO_GET_ISSUER_CERT_LOCALLY)$/);
    expect(plain).toMatch(/^400 Client sent an HTTP request to an HTTPS server/);
    expect(grpc.status).toBe(GRPC_STATUS.OK);
  });

  it('keeps its CA across down and up, and verify passes over TLS', async () => {
    const before = new X509Certificate(readFileSync(join(stack.dataDir, 'tls', 'ca.pem'))).fingerprint256;
    await stack.down();
    await stack.up();
    const after = new X509Certificate(readFileSync(join(stack.dataDir, 'tls', 'ca.pem'))).fingerprint256;
    const verify = await stack.cli(['verify', '--json']);
    expect(after).toBe(before);
    expect((JSON.parse(verify.stdout) as { checks: { name: string; ok: boolean; detail: string }[] }).checks.filter((c) => !c.ok)).toEqual([]);
    expect(verify.stdout).toContain(`https://127.0.0.1:${stack.ports.http}`);
  });
});
