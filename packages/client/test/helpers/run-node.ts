import { spawn } from 'node:child_process';

export interface NodeRun {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  elapsedMs: number;
  /** True when the run outlived `killAfterMs` and was killed. */
  killed: boolean;
}

/** Runs `node <args>`; a child that outlives `killAfterMs` is killed by its pid and reported as such. */
export function runNode(
  args: string[],
  options: { env: NodeJS.ProcessEnv; cwd?: string; killAfterMs: number },
): Promise<NodeRun> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(process.execPath, args, { env: options.env, cwd: options.cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    let killed = false;
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => {
      killed = true;
      if (child.pid !== undefined) process.kill(child.pid, 'SIGKILL');
    }, options.killAfterMs);
    child.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr, elapsedMs: performance.now() - started, killed });
    });
  });
}
