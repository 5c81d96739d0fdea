import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/**
 * Starts the embedded store as a child process and waits for its ready line; stops it by pid.
 * A separate process because chdb is a process-wide singleton: the control plane, tests and the
 * store must not share one engine, and a crash of the engine must not take the caller down.
 */

export interface ReadyLine {
  event: 'ready';
  url: string;
  port: number;
  pid: number;
  dataDir: string;
  passwordFile: string;
  passwordFileCreated: boolean;
  engine: string;
  startupMs: number;
}

export interface LaunchOptions {
  dataDir: string;
  passwordFile: string;
  /** 0 (default here) lets the OS pick a free port; the ready line reports it. */
  port?: number;
  /** Compiled server.js; defaults to the sibling of this module (right for dist/). */
  entry?: string;
  readyTimeoutMs?: number;
}

export interface LaunchedServer {
  pid: number;
  ready: ReadyLine;
  child: ChildProcess;
  /** Everything the server wrote to stderr so far. */
  stderr(): string;
  /** Resolves with the exit code once the process has exited. */
  exited: Promise<number | null>;
  /** SIGTERM, then SIGKILL after `timeoutMs`; resolves with the exit code (null when killed). */
  stop(timeoutMs?: number): Promise<number | null>;
}

export function defaultServerEntry(): string {
  return fileURLToPath(new URL('./server.js', import.meta.url));
}

export function launchEmbeddedServer(opts: LaunchOptions): Promise<LaunchedServer> {
  const entry = opts.entry ?? defaultServerEntry();
  const args = [entry, '--data-dir', opts.dataDir, '--password-file', opts.passwordFile, '--port', String(opts.port ?? 0)];
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  let stdout = '';
  child.stderr?.setEncoding('utf8').on('data', (d: string) => {
    stderr += d;
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));

  return new Promise<LaunchedServer>((resolve, reject) => {
    const timeoutMs = opts.readyTimeoutMs ?? 60_000;
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`embedded store did not print its ready line within ${timeoutMs} ms; stderr: ${stderr.trim()}`));
    }, timeoutMs);
    const onExit = (code: number | null): void => {
      clearTimeout(timer);
      reject(new Error(`embedded store exited (code ${code}) before it was ready: ${stderr.trim() || '(no stderr)'}`));
    };
    child.once('exit', onExit);
    child.stdout?.setEncoding('utf8').on('data', (d: string) => {
      stdout += d;
      for (;;) {
        const nl = stdout.indexOf('\n');
        if (nl < 0) break;
        const line = stdout.slice(0, nl);
        stdout = stdout.slice(nl + 1);
        let parsed: { event?: string } | undefined;
        try {
          parsed = JSON.parse(line) as { event?: string };
        } catch {
          continue;
        }
        if (parsed.event !== 'ready') continue;
        clearTimeout(timer);
        child.off('exit', onExit);
        const pid = child.pid as number;
        const stop = async (stopTimeoutMs = 30_000): Promise<number | null> => {
          if (child.exitCode !== null || child.signalCode !== null) return child.exitCode;
          child.kill('SIGTERM');
          const killer = setTimeout(() => child.kill('SIGKILL'), stopTimeoutMs);
          const code = await exited;
          clearTimeout(killer);
          return code;
        };
        resolve({ pid, ready: parsed as ReadyLine, child, stderr: () => stderr, exited, stop });
      }
    });
  });
}
