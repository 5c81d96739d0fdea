import { mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { RenderedFile } from '../render/rendered-file.js';

/**
 * Writes rendered files so a reader never sees a half-written set: every file is written to a
 * temporary name first and renamed into place only when all of them were written. Files in the
 * directory that are not part of the bundle are left alone.
 */
export function writeBundle(outDir: string, files: readonly RenderedFile[], mode = 0o600): string[] {
  const staged: { tmp: string; final: string }[] = [];
  try {
    for (const f of files) {
      const final = join(outDir, ...f.path.split('/'));
      const tmp = `${final}.tmp-${process.pid}`;
      mkdirSync(dirname(final), { recursive: true });
      // Rendered files hold env references to secrets, never secrets; private by default all the
      // same. Files mounted into containers (which run as an unprivileged user) pass 0o644.
      writeFileSync(tmp, f.content, { mode });
      staged.push({ tmp, final });
    }
  } catch (e) {
    for (const s of staged) rmSync(s.tmp, { force: true });
    throw e;
  }
  for (const s of staged) renameSync(s.tmp, s.final);
  return staged.map((s) => s.final);
}
