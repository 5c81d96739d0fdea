import { nodeFs, nodePath } from './builtins.js';

// Files are written to a temporary sibling and then renamed (or linked) into place, so a reader never
// sees half a file and a crash mid-write leaves the old file intact. The sibling lives in the same
// directory because rename is only atomic within one filesystem. Mode 0600 is set at creation so there is
// no window in which another user could read the file.

function writeTemp(path: string, data: string, mode: number): string {
  const { mkdirSync, writeFileSync } = nodeFs();
  mkdirSync(nodePath().dirname(path), { recursive: true, mode: 0o700 });
  // Unique enough among writers of one directory; 'wx' refuses to reuse any existing name, so a clash
  // fails the write instead of writing through someone else's file. node:crypto is not loaded for this:
  // consent and notice writes happen on runs that may never need it otherwise.
  const temp = `${path}.${process.pid}.${Date.now().toString(36)}${Math.random().toString(36).slice(2, 8)}.tmp`;
  writeFileSync(temp, data, { mode, flag: 'wx' });
  return temp;
}

function removeQuietly(path: string): void {
  try {
    nodeFs().unlinkSync(path);
  } catch {
    // The temp file may already be gone (renamed); nothing to clean up then.
  }
}

/** Replaces `path` atomically. Throws on failure; callers decide what a failure means. */
export function writeFileAtomic(path: string, data: string, mode = 0o600): void {
  const temp = writeTemp(path, data, mode);
  try {
    nodeFs().renameSync(temp, path);
  } catch (error) {
    removeQuietly(temp);
    throw error;
  }
}

/**
 * Creates `path` atomically only if it does not exist yet; returns false when another process got there
 * first. link(2) fails with EEXIST instead of replacing, which rename cannot do, so two processes racing on
 * a first run agree on one file instead of the last writer silently winning.
 */
export function createFileExclusive(path: string, data: string, mode = 0o600): boolean {
  const { linkSync, renameSync } = nodeFs();
  const temp = writeTemp(path, data, mode);
  try {
    linkSync(temp, path);
    return true;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EEXIST') return false;
    // Some filesystems (FAT, some network and FUSE mounts) have no hard links; there the file is still
    // written atomically, only the first-writer-wins guarantee is lost.
    if (code === 'EPERM' || code === 'ENOTSUP' || code === 'EOPNOTSUPP' || code === 'ENOSYS') {
      renameSync(temp, path);
      return true;
    }
    throw error;
  } finally {
    removeQuietly(temp);
  }
}
