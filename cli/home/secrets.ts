import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { UserError } from '../errors.js';
import type { Stack } from '../stack/resolve.js';
import { lokiToken, runsChdbServer, storageEndpoint } from '../stack/storage-endpoint.js';
import { homeOf } from './layout.js';

/**
 * The stack's secrets: taken from the environment, or generated once into the data directory and
 * read back from there by every command that needs them (up, verify, query, cleanup, purge).
 */

export interface StackSecrets {
  /** Environment the Collector (and storage) need: password, HMAC key, bearer tokens. */
  env: Record<string, string>;
  /** Lines saying what was generated, for the person running `up`. */
  generated: string[];
  /**
   * The chdb-server launcher's read-only user's password (query, usage, report, verify). Not in
   * `env`: the Collector never needs it; only a chdb-server container gets it, from the Docker
   * runtime, under CHDB_SERVER_READER_PASSWORD_ENV.
   */
  readerPassword?: string;
}

/**
 * Secrets come from the environment when set there; otherwise they are generated once, stored
 * 0600 under the data directory, and reused, so a one-command start works and data hashed
 * yesterday still matches today's hashes (purge by user depends on that).
 */
export function loadOrCreateSecrets(stack: Stack, env: NodeJS.ProcessEnv, options: { create: boolean }): StackSecrets {
  const out: StackSecrets = { env: {}, generated: [] };
  const home = homeOf(stack.dataDir);
  if (stack.backend !== 'loki') {
    const name = stack.clickhouse.passwordEnv;
    if (storageEndpoint(stack).external) {
      // A server of the user's has its own password: nothing to generate, only to pass on.
      const password = env[name];
      if (password === undefined) throw new UserError(`$${name} is not set; clickhouse.url needs the password of ClickHouse user ${stack.clickhouse.username} (empty for none: export ${name}=)`);
      out.env[name] = password;
    } else {
      out.env[name] = env[name] || stored(home.clickhousePasswordFile, options.create, 24, out.generated, 'ClickHouse password');
    }
    if (runsChdbServer(stack)) {
      out.readerPassword = stored(home.clickhouseReaderPasswordFile, options.create, 24, out.generated, 'ClickHouse read-only password');
    }
  }
  const token = lokiToken(stack, env);
  if (token !== undefined) out.env[stack.loki.bearerTokenEnv!] = token;
  if (stack.privacy.userId.mode === 'hmac') {
    const name = stack.privacy.userId.keyEnv;
    const key = env[name] || stored(home.hmacKeyFile, options.create, 32, out.generated, 'HMAC key for user ids');
    // redaction's hmac-sha256 wants at least 32 bytes; a short key is weak and the Collector refuses it.
    if (Buffer.byteLength(key) < 32) throw new UserError(`$${name}: the HMAC key is ${Buffer.byteLength(key)} bytes; use at least 32 (e.g. openssl rand -hex 32)`);
    out.env[name] = key;
  }
  const auth = stack.receivers.auth;
  if (auth) {
    const token = env[auth.bearerTokenEnv];
    if (!token) throw new UserError(`$${auth.bearerTokenEnv} is not set; receivers.auth needs the bearer token clients send (e.g. export ${auth.bearerTokenEnv}=$(openssl rand -hex 32))`);
    out.env[auth.bearerTokenEnv] = token;
  }
  return out;
}

/**
 * A generated secret: read back (repairing a mode others could read), or made and stored. 0600 in
 * a 0700 directory because each one opens the stack's storage or re-identifies its users.
 */
function stored(file: string, create: boolean, bytes: number, generated: string[], what: string): string {
  if (existsSync(file)) {
    const mode = statSync(file).mode & 0o777;
    if (mode & 0o077) chmodSync(file, 0o600);
    const value = readFileSync(file, 'utf8').trim();
    if (value) return value;
  }
  if (!create) throw new UserError(`${file}: missing; run \`telemetry-stack up\` once to generate it, or set the variable in the environment`);
  mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
  const value = randomBytes(bytes).toString('hex');
  writeFileSync(file, value + '\n', { mode: 0o600 });
  generated.push(`generated ${what} in ${file} (0600)`);
  return value;
}

/** The password `up` used: the environment variable when set, else the stored 0600 file. */
export function readClickHousePassword(stack: Stack, env: NodeJS.ProcessEnv): string {
  const name = stack.clickhouse.passwordEnv;
  if (env[name]) return env[name]!;
  const file = homeOf(stack.dataDir).clickhousePasswordFile;
  const stored = existsSync(file) ? readFileSync(file, 'utf8').trim() : '';
  if (!stored) throw new UserError(`$${name} is not set and ${file} does not exist; run \`telemetry-stack up\` first, or set ${name}`);
  return stored;
}

/**
 * The password of the user that reads: the chdb-server launcher's read-only user (its 0600 file,
 * written by `up`), or the one user of any other ClickHouse.
 */
export function readClickHouseReaderPassword(stack: Stack, env: NodeJS.ProcessEnv): string {
  if (!runsChdbServer(stack)) return readClickHousePassword(stack, env);
  const file = homeOf(stack.dataDir).clickhouseReaderPasswordFile;
  const stored = existsSync(file) ? readFileSync(file, 'utf8').trim() : '';
  if (!stored) throw new UserError(`${file} does not exist; run \`telemetry-stack up\` (it creates the read-only user's password)`);
  return stored;
}

/** The key the Collector hashes user ids with: the environment variable, else the stored file. */
export function readHmacKey(stack: Stack, env: NodeJS.ProcessEnv): string {
  const name = stack.privacy.userId.keyEnv;
  if (env[name]) return env[name]!;
  const file = homeOf(stack.dataDir).hmacKeyFile;
  const stored = existsSync(file) ? readFileSync(file, 'utf8').trim() : '';
  if (!stored) throw new UserError(`$${name} is not set and ${file} does not exist; set ${name} to the key the stack hashes user ids with`);
  return stored;
}
