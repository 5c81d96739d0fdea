import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

/**
 * The password of the embedded engine's `default` user lives in a file only its owner can read.
 * The control plane passes the same file to the Collector's environment and to its own client,
 * so the password is never on a command line or in a config file.
 */

export function generatePassword(): string {
  // 32 random bytes, URL-safe so it survives YAML, env files and Basic auth without quoting.
  return randomBytes(32).toString('base64url');
}

/** Reads the password, creating the file (mode 0600) with a fresh one when it does not exist. */
export function ensurePasswordFile(path: string): { password: string; created: boolean } {
  let created = false;
  try {
    statSync(path);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
    try {
      // 'wx': if two starters race, exactly one writes and both read the same password below.
      writeFileSync(path, `${generatePassword()}\n`, { mode: 0o600, flag: 'wx' });
      created = true;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
    }
  }
  const mode = statSync(path).mode & 0o777;
  if ((mode & 0o077) !== 0) {
    throw new Error(`password file ${path} is readable by other users (mode ${mode.toString(8)}); run chmod 600 ${path}`);
  }
  const password = readFileSync(path, 'utf8').trim();
  if (password === '') throw new Error(`password file ${path} is empty; delete it to have a new password generated`);
  return { password, created };
}
