import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { isLoopback } from '../net/loopback.js';
import { homeOf } from '../home/layout.js';
import { isAlive, readRecord } from '../home/run-records.js';
import { collectorPorts, storagePorts } from '../runtime/stack-parts.js';
import type { Stack } from '../stack/resolve.js';
import { postToReceiver, receiverHost } from './deep-http.js';
import { isLoopbackListener, listeningSockets, listeningSocketsOf, type ListeningSocket } from '../net/listening-sockets.js';
import type { CheckResult } from './verify.js';

/**
 * `verify --deep`: what can be proven about exposure and robustness against a live stack without
 * harming it. Every probe is a request a client could send anyway (a malformed one, one without
 * the token), and nothing is written to storage.
 */

export interface DeepInputs {
  /** Secret values the stack uses, by environment variable name (from the environment or the 0600 files). */
  secrets: Record<string, string>;
  /** File modes of the secret files as found before anything read them (reading repairs them). */
  modesBefore: Map<string, number>;
}

/** Private files: generated secrets and the TLS keys. Call before loadOrCreateSecrets touches them. */
export function secretFileModes(stack: Stack): Map<string, number> {
  const modes = new Map<string, number>();
  const home = homeOf(stack.dataDir);
  for (const path of [home.secretsDir, home.clickhousePasswordFile, home.clickhouseReaderPasswordFile, home.hmacKeyFile, home.tlsDir, home.tls.keyFile, home.tls.caKeyFile]) {
    if (existsSync(path)) modes.set(path, statSync(path).mode & 0o777);
  }
  return modes;
}

export async function deepChecks(stack: Stack, inputs: DeepInputs, progress: (c: CheckResult) => void = () => {}): Promise<CheckResult[]> {
  const out: CheckResult[] = [];
  const add = (c: CheckResult) => {
    out.push(c);
    progress(c);
  };
  add(checkListeners(stack));
  add(checkSecretModes(inputs.modesBefore));
  const home = homeOf(stack.dataDir);
  add(checkNoSecretsIn('secrets not in rendered config', home.configDir, inputs.secrets, referencesOf(stack)));
  add(checkNoSecretsIn('secrets not in logs', home.logsDir, inputs.secrets, []));
  add(await checkMalformedRefused(stack, inputs.secrets));
  add(await checkAuth(stack));
  if (stack.receivers.tls) add(await checkTlsOnly(stack, inputs.secrets));
  return out;
}

// ---- listeners ----------------------------------------------------------------------------------

/** The stack's own pids, from the process runtime's records; empty for the Docker runtime. */
function stackPids(stack: Stack): number[] {
  const storage = stack.backend === 'loki' ? 'loki' : 'clickhouse';
  return ['collector', storage].flatMap((c) => {
    const r = readRecord(stack.dataDir, c);
    return r && isAlive(r) ? [r.pid] : [];
  });
}

/**
 * Every socket the stack listens on must be loopback, except the receivers in team mode, which
 * may listen on their configured bind address (auth is required there by the stack rules).
 * Sockets of the stack's pids on ports the stack file does not name are findings too.
 */
export function classifyListeners(stack: Stack, sockets: readonly ListeningSocket[], ownedByPids: boolean): { problems: string[]; seen: string[] } {
  const receiverPorts = new Set([stack.receivers.grpc.enabled ? stack.receivers.grpc.port : -1, stack.receivers.http.enabled ? stack.receivers.http.port : -1]);
  const known = new Set([...collectorPorts(stack), ...storagePorts(stack)]);
  const problems: string[] = [];
  const seen: string[] = [];
  for (const s of sockets) {
    if (!ownedByPids && !known.has(s.port)) continue;
    const where = `${s.address.includes(':') ? `[${s.address}]` : s.address}:${s.port}`;
    seen.push(where);
    if (ownedByPids && !known.has(s.port)) problems.push(`${where} is not a port of the stack file`);
    if (isLoopbackListener(s.address)) continue;
    const teamBind = receiverPorts.has(s.port) && !isLoopback(stack.receivers.bind) && stack.receivers.auth !== undefined;
    if (!teamBind) problems.push(`${where} is reachable beyond this machine`);
  }
  return { problems, seen };
}

function checkListeners(stack: Stack): CheckResult {
  const name = 'listeners loopback-only';
  if (!existsSync('/proc/net/tcp')) return { name, ok: true, detail: 'not checked: no /proc/net on this system' };
  const pids = stackPids(stack);
  const sockets = pids.length > 0 ? listeningSocketsOf(pids) : listeningSockets();
  const { problems, seen } = classifyListeners(stack, sockets, pids.length > 0);
  if (seen.length === 0) return { name, ok: false, detail: 'no listening socket of the stack found', hint: 'is the stack up? telemetry-stack status' };
  if (problems.length > 0) return { name, ok: false, detail: problems.join('; '), hint: 'bind 127.0.0.1 in the stack file, or run team mode with receivers.auth' };
  const owner = pids.length > 0 ? `pids ${pids.join(', ')}` : 'the stack ports';
  return { name, ok: true, detail: `${seen.length} listening sockets of ${owner}, all loopback${isLoopback(stack.receivers.bind) ? '' : ' (receivers on the team bind address, token required)'}` };
}

// ---- secrets at rest ----------------------------------------------------------------------------

function checkSecretModes(modes: Map<string, number>): CheckResult {
  const name = 'secret files private';
  if (modes.size === 0) return { name, ok: true, detail: 'no generated secret files (secrets come from the environment)' };
  const open = [...modes.entries()].filter(([, mode]) => (mode & 0o077) !== 0).map(([path, mode]) => `${path} was ${mode.toString(8).padStart(4, '0')}`);
  if (open.length > 0) {
    return { name, ok: false, detail: open.join('; '), hint: 'telemetry-stack tightens these to 0600/0700 when it reads them; someone else may have read them before, so rotate the secrets' };
  }
  return { name, ok: true, detail: `${modes.size} files and directories, none readable by group or others` };
}

/** Env references the rendered Collector config must carry instead of the secret values. */
function referencesOf(stack: Stack): string[] {
  const refs: string[] = [];
  if (stack.backend !== 'loki') refs.push(stack.clickhouse.passwordEnv);
  if (stack.privacy.userId.mode === 'hmac') refs.push(stack.privacy.userId.keyEnv);
  if (stack.receivers.auth) refs.push(stack.receivers.auth.bearerTokenEnv);
  if (stack.backend === 'loki' && stack.loki.bearerTokenEnv) refs.push(stack.loki.bearerTokenEnv);
  return refs.map((name) => `\${env:${name}}`);
}

function checkNoSecretsIn(name: string, dir: string, secrets: Record<string, string>, mustReference: string[]): CheckResult {
  if (!existsSync(dir)) return { name, ok: false, detail: `${dir} missing`, hint: 'run telemetry-stack up' };
  const files = filesUnder(dir);
  const leaks: string[] = [];
  for (const file of files) {
    const text = readFileSync(file, 'utf8');
    for (const [what, value] of Object.entries(secrets)) if (value && text.includes(value)) leaks.push(`${what} in ${file}`);
  }
  if (leaks.length > 0) return { name, ok: false, detail: leaks.join('; '), hint: 'remove the file or the lines, then rotate the secret' };
  const collector = join(dir, 'collector.yaml');
  const missing = mustReference.length > 0 && existsSync(collector) ? mustReference.filter((ref) => !readFileSync(collector, 'utf8').includes(ref)) : [];
  if (missing.length > 0) return { name, ok: false, detail: `${collector} does not reference ${missing.join(', ')}`, hint: 'run telemetry-stack up to re-render it' };
  return {
    name,
    ok: true,
    detail: `${files.length} files searched for ${Object.keys(secrets).length} secrets, none found${mustReference.length ? '; the Collector config reads them from its environment' : ''}`,
  };
}

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => join(e.parentPath, e.name));
}

// ---- probes -------------------------------------------------------------------------------------

function authHeaders(stack: Stack, secrets: Record<string, string>): Record<string, string> {
  const auth = stack.receivers.auth;
  const token = auth ? secrets[auth.bearerTokenEnv] : undefined;
  return token ? { authorization: `Bearer ${token}` } : {};
}

async function collectorHealthy(stack: Stack): Promise<boolean> {
  try {
    const res = await fetch(`http://127.0.0.1:${stack.collector.healthPort}/`, { signal: AbortSignal.timeout(3000) });
    await res.arrayBuffer();
    return res.ok;
  } catch {
    return false;
  }
}

/** Requests no OTLP decoder may accept: each must be refused with a 4xx, and the Collector must stay healthy. */
const MALFORMED: { what: string; contentType: string; body: Buffer }[] = [
  { what: 'truncated JSON', contentType: 'application/json', body: Buffer.from('{"resourceLogs":[{"scopeLogs":[{"logRecords":[{"body":{"stringValue":"x') },
  { what: 'protobuf with an invalid wire type', contentType: 'application/x-protobuf', body: Buffer.from([0x0f, 0xff, 0xff, 0xff]) },
  { what: 'protobuf field longer than the request', contentType: 'application/x-protobuf', body: Buffer.from([0x0a, 0xff, 0x7f, 0x01]) },
  { what: 'unsupported content type', contentType: 'text/plain', body: Buffer.from('{}') },
];

async function checkMalformedRefused(stack: Stack, secrets: Record<string, string>): Promise<CheckResult> {
  const name = 'malformed OTLP refused';
  if (!stack.receivers.http.enabled) return { name, ok: true, detail: 'not checked: the OTLP/HTTP receiver is disabled' };
  const answers: string[] = [];
  const wrong: string[] = [];
  for (const m of MALFORMED) {
    try {
      const res = await postToReceiver(stack, '/v1/logs', m.body, { headers: { 'content-type': m.contentType, ...authHeaders(stack, secrets) } });
      answers.push(`${m.what} ${res.status}`);
      if (res.status < 400 || res.status > 499) wrong.push(`${m.what}: HTTP ${res.status}`);
    } catch (e) {
      wrong.push(`${m.what}: ${(e as Error).message}`);
    }
  }
  const healthy = await collectorHealthy(stack);
  if (!healthy) wrong.push('the Collector health check failed afterwards');
  if (wrong.length > 0) return { name, ok: false, detail: wrong.join('; '), hint: 'see telemetry-stack logs collector' };
  return { name, ok: true, detail: `${answers.join(', ')}; Collector healthy afterwards` };
}

async function checkAuth(stack: Stack): Promise<CheckResult> {
  const name = 'auth enforced';
  if (!stack.receivers.auth) {
    if (isLoopback(stack.receivers.bind)) return { name, ok: true, detail: `no token needed: receivers bind ${stack.receivers.bind} (loopback only)` };
    return { name, ok: false, detail: `receivers bind ${stack.receivers.bind} without receivers.auth`, hint: 'add receivers.auth.bearerTokenEnv or bind 127.0.0.1' };
  }
  const body = Buffer.from('{"resourceLogs":[]}');
  const probes: [string, Record<string, string>][] = [
    ['no token', {}],
    ['wrong token', { authorization: 'Bearer telemetry-stack-verify-wrong-token' }],
  ];
  const got: string[] = [];
  const bad: string[] = [];
  for (const [what, headers] of probes) {
    try {
      const res = await postToReceiver(stack, '/v1/logs', body, { headers });
      got.push(`${what} ${res.status}`);
      if (res.status !== 401) bad.push(`${what}: HTTP ${res.status}`);
    } catch (e) {
      bad.push(`${what}: ${(e as Error).message}`);
    }
  }
  if (bad.length > 0) return { name, ok: false, detail: bad.join('; '), hint: 'the receivers must carry auth: bearertokenauth; re-render with telemetry-stack up' };
  return { name, ok: true, detail: `${got.join(', ')} on ${receiverHost(stack)}:${stack.receivers.http.port}` };
}

async function checkTlsOnly(stack: Stack, secrets: Record<string, string>): Promise<CheckResult> {
  const name = 'TLS only';
  try {
    const res = await postToReceiver(stack, '/v1/logs', Buffer.from('{"resourceLogs":[]}'), { plainHttp: true, headers: authHeaders(stack, secrets) });
    if (res.status === 400 && /HTTPS server/.test(res.body)) return { name, ok: true, detail: 'plain HTTP to the receiver is refused (400, HTTPS required)' };
    return { name, ok: false, detail: `plain HTTP answered ${res.status}`, hint: 'receivers.tls is set but the receiver answers without TLS; re-render with telemetry-stack up' };
  } catch (e) {
    return { name, ok: true, detail: `plain HTTP to the receiver fails (${(e as Error).message})` };
  }
}
