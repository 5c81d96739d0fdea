import { createFileExclusive, writeFileAtomic } from './atomic-write.js';
import { nodeCrypto, nodeFs } from './builtins.js';

// The anonymous fingerprint (and a heartbeat's instance id) is 16 random bytes, not a hash of hostname,
// user or MAC address: a hash of identifying inputs can be recomputed by anyone who knows the inputs, and
// random bytes carry nothing about the machine. It is persisted so counts of distinct users mean something.

const ID_SHAPE = /^[0-9a-f]{32}$/;

export type IdOutcome = 'read' | 'created' | 'regenerated' | 'ephemeral';

export interface PersistentId {
  id: string;
  outcome: IdOutcome;
}

// node:crypto is fetched only to make a new id: every run after the first reads the file instead, and
// loading crypto costs more than the rest of reading the id.
function newId(): string {
  return nodeCrypto().randomBytes(16).toString('hex');
}

function readExisting(path: string): string | undefined {
  const text = nodeFs().readFileSync(path, 'utf8').trim();
  return ID_SHAPE.test(text) ? text : undefined;
}

/** A file someone made group- or world-readable is put back to 0600; best effort (e.g. not our file). */
function tightenMode(path: string): void {
  try {
    const { chmodSync, statSync } = nodeFs();
    if ((statSync(path).mode & 0o077) !== 0) chmodSync(path, 0o600);
  } catch {
    // Reading worked, so the id is still usable; the mode is a hardening step, not a precondition.
  }
}

/**
 * Reads the id at `path`, creating it on first use and replacing it when it is unreadable or not an id.
 * When the directory is not writable (read-only home, sandbox) the id lives for this process only:
 * the event is still worth sending, and failing here would break the best-effort promise.
 */
export function readOrCreateId(path: string): PersistentId {
  let damaged = false;
  try {
    const existing = readExisting(path);
    if (existing) {
      tightenMode(path);
      return { id: existing, outcome: 'read' };
    }
    damaged = true;
  } catch (error) {
    damaged = (error as NodeJS.ErrnoException).code !== 'ENOENT';
  }

  const id = newId();
  try {
    if (damaged) {
      writeFileAtomic(path, `${id}\n`);
      return { id, outcome: 'regenerated' };
    }
    if (createFileExclusive(path, `${id}\n`)) return { id, outcome: 'created' };
    // Another process created it between our read and our link: use theirs so both agree.
    const raced = readExisting(path);
    if (raced) return { id: raced, outcome: 'read' };
    writeFileAtomic(path, `${id}\n`);
    return { id, outcome: 'regenerated' };
  } catch {
    return { id, outcome: 'ephemeral' };
  }
}
