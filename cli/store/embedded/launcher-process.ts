import { spawn, type ChildProcess } from 'node:child_process';

/**
 * Starts the chdb-server launcher as a child process and waits for its ready line; stops it by
 * pid. A separate process because the engine is process-wide and must not share the caller's.
 */

export interface LauncherReady {
  event: 'ready';
  url: string;
  port: number;
  tcpPort: number;
  pid: number;
  dataDir: string;
  writerUser: string;
  readerUser: string;
  passwordFile: string;
  passwordFileCreated: boolean;
  readerPasswordFile: string;
  readerPasswordFileCreated: boolean;
  engine: string;
  startupMs: number;
}

export interface LauncherOptions {
  binary: string;
  libchdb: string;
  dataDir: string;
  writerPasswordFile: string;
  readerPasswordFile: string;
  database?: string;
  /** 0 (default here) lets the OS pick a free port; the ready line reports it. */
  port?: number;
  tcpPort?: number;
  readyTimeoutMs?: number;
  /** A cluster this server is one shard of: its name and every shard's host:native-port, in order. */
  cluster?: { name: string; shards: string[]; macros?: Record<string, string> };
}

export interface RunningLauncher {
  ready: LauncherReady;
  child: ChildProcess;
  stderr(): string;
  exited: Promise<number | null>;
  /**
   * SIGTERM, then SIGKILL after `timeoutMs`; resolves with the exit code (null when killed). An
   * exit code 1 after the launcher's `stopping` line counts as 0: the engine ends the process
   * that way when a client holds an idle keep-alive connection, with the data already on disk.
   */
  stop(timeoutMs?: number): Promise<number | null>;
}

export function launcherArgs(o: Omit<LauncherOptions, 'binary' | 'readyTimeoutMs'>): string[] {
  return [
    '--libchdb',
    o.libchdb,
    '--data-dir',
    o.dataDir,
    '--password-file',
    o.writerPasswordFile,
    '--reader-password-file',
    o.readerPasswordFile,
    '--port',
    String(o.port ?? 0),
    '--tcp-port',
    String(o.tcpPort ?? 0),
    ...(o.database ? ['--database', o.database] : []),
    ...(o.cluster
      ? ['--cluster', o.cluster.name, ...o.cluster.shards.flatMap((s) => ['--cluster-shard', s]), ...Object.entries(o.cluster.macros ?? {}).flatMap(([k, v]) => ['--macro', `${k}=${v}`])]
      : []),
  ];
}

export function startLauncher(o: LauncherOptions): Promise<RunningLauncher> {
  const child = spawn(o.binary, launcherArgs(o), { stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  let stdout = '';
  let stopping = false;
  child.stderr?.setEncoding('utf8').on('data', (d: string) => {
    stderr += d;
  });
  // 'close', not 'exit': the stopping line must have been read before the exit code is judged.
  const exited = new Promise<number | null>((resolve) => child.once('close', (code) => resolve(code)));
  return new Promise<RunningLauncher>((resolve, reject) => {
    const timeoutMs = o.readyTimeoutMs ?? 60_000;
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`chdb-server did not print its ready line within ${timeoutMs} ms; stderr: ${stderr.trim()}`));
    }, timeoutMs);
    const onExit = (code: number | null): void => {
      clearTimeout(timer);
      reject(new Error(`chdb-server exited (code ${code}) before it was ready: ${stderr.trim() || '(no stderr)'}`));
    };
    child.once('exit', onExit);
    child.stdout?.setEncoding('utf8').on('data', (d: string) => {
      stdout += d;
      for (let nl = stdout.indexOf('\n'); nl >= 0; nl = stdout.indexOf('\n')) {
        const line = stdout.slice(0, nl);
        stdout = stdout.slice(nl + 1);
        // The engine prints its own "Logging ... to" lines on the same stream.
        if (!line.startsWith('{')) continue;
        const parsed = JSON.parse(line) as { event?: string };
        if (parsed.event === 'stopping') stopping = true;
        if (parsed.event !== 'ready') continue;
        clearTimeout(timer);
        child.off('exit', onExit);
        const stop = async (stopTimeoutMs = 30_000): Promise<number | null> => {
          if (child.exitCode !== null || child.signalCode !== null) return child.exitCode;
          child.kill('SIGTERM');
          const killer = setTimeout(() => child.kill('SIGKILL'), stopTimeoutMs);
          const code = await exited;
          clearTimeout(killer);
          return code === 1 && stopping ? 0 : code;
        };
        resolve({ ready: parsed as LauncherReady, child, stderr: () => stderr, exited, stop });
      }
    });
  });
}
