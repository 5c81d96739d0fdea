import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa, type ResultPromise } from 'execa';
import { ensureCollector } from '../../cli/collector/build.js';

/** The Collector binary for tests: the cached build, built now when missing (minutes, once). */
export function testCollectorBinary(): Promise<string> {
  return ensureCollector((line) => process.stderr.write(`[collector build] ${line}\n`));
}

export interface RunningCollector {
  /** Pid of the Collector process this call started: the only process a test may signal. */
  pid: number;
  stop(): Promise<void>;
  /** Sends `signal` to this Collector's pid and resolves once it has exited (a crash, for SIGKILL). */
  kill(signal: NodeJS.Signals): Promise<void>;
  output(): string;
}

/** Starts a Collector on a config and waits (bounded) until its health_check answers. */
export async function startCollector(binary: string, config: string, healthPort: number, env: NodeJS.ProcessEnv): Promise<RunningCollector> {
  const dir = mkdtempSync(join(tmpdir(), 'telemetry-stack-test-'));
  const file = join(dir, 'collector.yaml');
  writeFileSync(file, config);
  let output = '';
  const child: ResultPromise = execa(binary, [`--config=file:${file}`], { env: { ...process.env, ...env }, reject: false, all: true });
  child.all?.on('data', (d: Buffer) => (output += d.toString()));
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`collector exited early:\n${output}`);
    try {
      const res = await fetch(`http://127.0.0.1:${healthPort}/`, { signal: AbortSignal.timeout(1000) });
      if (res.ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`collector not healthy within 30 s:\n${output}`);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  return {
    pid: child.pid!,
    output: () => output,
    async kill(signal) {
      process.kill(child.pid!, signal);
      await child;
    },
    async stop() {
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await child;
      clearTimeout(timer);
    },
  };
}
