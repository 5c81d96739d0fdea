import { UserError } from '../errors.js';
import { writeBundle } from '../output/write-bundle.js';
import { renderBundle } from '../render/bundle.js';
import { loadRenderInputs } from '../render/inputs.js';
import type { RenderedFile } from '../render/rendered-file.js';
import { storageEndpoint } from '../stack/storage-endpoint.js';
import { toolVersion } from '../version.js';
import { NotReadyError, waitFor, type WaitStrategy } from './readiness.js';
import type { RuntimeContext, RuntimeKind, UpResult } from './runtime.js';
import { prepareDataDir } from '../home/data-dir.js';
import { homeOf } from '../home/layout.js';
import { loadOrCreateSecrets, type StackSecrets } from '../home/secrets.js';
import { applyRollups } from '../schema/apply-at-up.js';
import { requireExternalStorage, requirePortsFree } from './stack-parts.js';
import { ensureReceiverTls } from './tls.js';

/**
 * `up`, once for both runtimes: prepare the data directory, render, start each part and wait for
 * it, apply the schema, and on any failure remove exactly what this `up` started and say so. What
 * differs between native processes and containers sits behind `PartRunner`.
 */

/** One part of the stack (storage, the Collector) as `up` sees it, whatever runs it. */
export interface Part {
  name: string;
  /** Ports the part takes when it starts. */
  ports: readonly number[];
  ready: WaitStrategy;
}

/**
 * What runs for a part before this `up` touches it. `what` names it for a person: "pid 12",
 * "container 0123456789ab"; for a left-over, what removing it means ("a stale record (pid 12 is gone)").
 */
export type FoundPart =
  | { state: 'absent' }
  | { state: 'running'; what: string; ports: readonly number[] }
  /** Running, but started from an older configuration: up restarts it. */
  | { state: 'outdated'; what: string; ports: readonly number[] }
  /** Left by an earlier run and no longer running: up clears it and starts the part. */
  | { state: 'left-over'; what: string };

/** What one runtime does for the lifecycle; one instance serves one `up`. */
export interface PartRunner<P extends Part> {
  kind: RuntimeKind;
  /** The rendered files this runtime's parts read, and the mode they are written with. */
  configFiles(files: RenderedFile[]): { files: RenderedFile[]; mode?: number };
  /**
   * The parts to run, storage first (the Collector exports into it). Builds binaries or pulls
   * images, so a missing one fails before anything is stopped or started.
   */
  plan(secrets: StackSecrets, progress: (line: string) => void): Promise<P[]>;
  find(part: P): Promise<FoundPart>;
  /** Stops an outdated part, or clears a left-over one, before the part starts anew. */
  clear(part: P, found: FoundPart): Promise<void>;
  /** Starts the part; returns what started, for the progress line ("(pid 12)"). */
  start(part: P): Promise<string>;
  /** Why a started part will never become ready (it exited), or undefined while it still may. */
  exited(part: P): Promise<string | undefined>;
  /** Stops and removes what this up created for the part; says what, or undefined when nothing. */
  remove(part: P): Promise<string | undefined>;
  /** Stops whatever starts parts behind up's back (the process runtime's supervisor). */
  holdRestarts(): Promise<void>;
  /** Hands running parts back to whatever starts them again; returns a progress line, if any. */
  resumeRestarts(parts: readonly P[]): Promise<string | undefined>;
}

export async function upStack<P extends Part>(ctx: RuntimeContext, runner: PartRunner<P>, progress: (line: string) => void): Promise<UpResult> {
  const startedAt = Date.now();
  const { stack, env } = ctx;

  // Prepare: the data directory (and its free space) first, since secrets, certificates and the
  // rendered config all live in it; secrets and the certificate before rendering, as the config
  // names their files and environment variables.
  prepareDataDir(stack);
  const secrets = loadOrCreateSecrets(stack, env, { create: true });
  secrets.generated.forEach(progress);
  if (stack.receivers.tls?.generate) ensureReceiverTls(stack).forEach(progress);
  const rendered = runner.configFiles(renderBundle(stack, loadRenderInputs(), { source: 'the stack file', toolVersion }));
  writeBundle(homeOf(stack.dataDir).configDir, rendered.files, rendered.mode);

  // Every binary and image before any part is touched: a missing one fails with the stack as it was.
  const parts = await runner.plan(secrets, progress);
  if (storageEndpoint(stack).external) {
    await requireExternalStorage(stack);
    progress(`${storageEndpoint(stack).label}: answers (yours; up starts only the Collector)`);
  }

  const result: UpResult = { runtime: runner.kind, started: [], alreadyRunning: [], seconds: 0, notes: [] };
  /** Parts this up stopped, cleared or started, in order: a failure removes what it created for them. */
  const touched: P[] = [];
  const found = new Map<P, FoundPart>();
  // The supervisor would start again a part this up is about to restart: it stops before any part
  // is looked at, and comes back once every part is ready (or, after a failure, with the parts
  // that are still running).
  await runner.holdRestarts();
  try {
    for (const part of parts) found.set(part, await runner.find(part));
    // Every port a part will take is checked before any running part is stopped: a changed stack
    // file whose new port is busy must fail with the running stack untouched.
    for (const part of parts) {
      const current = found.get(part)!;
      const held = current.state === 'running' || current.state === 'outdated' ? current.ports : [];
      await requirePortsFree(
        part.name,
        part.ports.filter((p) => !held.includes(p)),
      );
    }
    // Storage first: the Collector's exporter connects to it as it starts.
    for (const part of parts) {
      const current = found.get(part)!;
      if (current.state === 'running') {
        await waitFor(part.ready);
        result.alreadyRunning.push(part.name);
        progress(`${part.name}: already running (${current.what})`);
        continue;
      }
      touched.push(part);
      if (current.state === 'outdated') {
        // A running part would keep the old configuration. The Collector drains into its
        // persistent queue on the way down.
        progress(`${part.name}: configuration changed, restarting (${current.what})`);
        await runner.clear(part, current);
        result.notes.push(`${part.name}: restarted with the changed configuration`);
      } else if (current.state === 'left-over') {
        await runner.clear(part, current);
        progress(`${part.name}: removed ${current.what}`);
      }
      // Checked again: a port may have been taken since the check above.
      await requirePortsFree(part.name, part.ports);
      const what = await runner.start(part);
      result.started.push(part.name);
      progress(`${part.name}: started ${what}, waiting for ${part.ready.name}`);
      const waited = await waitFor(part.ready, { abort: () => runner.exited(part) });
      progress(`${part.name}: ready in ${(waited / 1000).toFixed(1)} s`);
    }
    // After every part is ready: on one server the exporter creates the tables the rollups read.
    if (stack.backend !== 'loki') await applyRollups(stack, secrets.env[stack.clickhouse.passwordEnv]!, progress);
    const supervised = await runner.resumeRestarts(parts);
    if (supervised) progress(supervised);
  } catch (e) {
    throw await rollBack(runner, parts, found, touched, e);
  }
  result.seconds = (Date.now() - startedAt) / 1000;
  return result;
}

/**
 * Leaves nothing behind that this up started (a failed start must not hold ports, pids or
 * containers), in the reverse order of starting; parts that were running before it and that it
 * did not touch still are, and are handed back to the supervisor. Returns the error to throw: one
 * line that also says what was removed.
 */
async function rollBack<P extends Part>(runner: PartRunner<P>, parts: readonly P[], found: ReadonlyMap<P, FoundPart>, touched: readonly P[], error: unknown): Promise<unknown> {
  const removed: string[] = [];
  for (const part of [...touched].reverse()) {
    const what = await runner.remove(part).catch(() => undefined);
    if (what) removed.push(`${part.name} (${what})`);
  }
  const running = (p: P) => found.get(p)?.state === 'running' || found.get(p)?.state === 'outdated';
  const untouched = parts.filter((p) => running(p) && !touched.includes(p));
  if (untouched.length > 0) await runner.resumeRestarts(untouched).catch(() => undefined);
  const note = removed.length > 0 ? `; removed what this up created: ${removed.join(', ')}` : '';
  if (error instanceof NotReadyError) {
    const [first, ...rest] = error.message.split('\n');
    return new UserError(`${first}${note}`, rest);
  }
  if (error instanceof UserError && note) return new UserError(`${error.message}${note}`, error.details, error.exitCode);
  return error;
}
