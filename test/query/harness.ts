import { createHmac } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { runCli, STACK_TRACE, type CliResult } from '../support/cli.js';
import { testCollectorBinary } from '../support/collector.js';
import { writeTestStack, type TestStack } from '../support/stack-dir.js';

/** A real stack (Collector + storage) for one test file, and the CLI pointed at it. */
export interface Harness {
  stack: TestStack;
  cli(args: string[], env?: NodeJS.ProcessEnv): Promise<CliResult>;
  /** The CLI's --json output, parsed; fails the test on a non-zero exit or a stack trace. */
  json<T>(args: string[]): Promise<T>;
  /** SQL straight to the storage (not through the code under test), rows as objects. */
  sql<T = Record<string, unknown>>(query: string): Promise<T[]>;
  hmac(id: string): string;
  down(): Promise<void>;
}

export async function startHarness(extra = '', backend = 'embedded'): Promise<Harness> {
  await testCollectorBinary();
  const stack = await writeTestStack(extra, backend);
  const cli = (args: string[], env?: NodeJS.ProcessEnv) => runCli([...args, '--file', stack.file], { cwd: stack.dir, ...(env ? { env: { ...process.env, ...env } } : {}) });
  const up = await cli(['up']);
  if (up.exitCode !== 0) throw new Error(`up failed:\n${up.stderr}`);
  const secret = (name: string) => readFileSync(join(stack.dataDir, 'secrets', name), 'utf8').trim();
  return {
    stack,
    cli,
    async json<T>(args: string[]): Promise<T> {
      const r = await cli([...args, '--json']);
      if (r.exitCode !== 0 || STACK_TRACE.test(r.stderr)) throw new Error(`${args.join(' ')} exited ${r.exitCode}:\n${r.stderr}`);
      return JSON.parse(r.stdout) as T;
    },
    async sql<T>(query: string): Promise<T[]> {
      const res = await fetch(`http://127.0.0.1:${stack.ports.storage}/?database=telemetry&default_format=JSONEachRow&output_format_json_quote_64bit_integers=0`, {
        method: 'POST',
        // The embedded engine's writer; a ClickHouse server's one user is default.
        headers: { authorization: `Basic ${Buffer.from(`${backend === 'embedded' ? 'telemetry_writer' : 'default'}:${secret('clickhouse-password')}`).toString('base64')}` },
        body: query,
        signal: AbortSignal.timeout(30_000),
      });
      const text = await res.text();
      if (!res.ok) throw new Error(`${query}\n${text}`);
      return text
        .split('\n')
        .filter(Boolean)
        .map((l) => JSON.parse(l) as T);
    },
    hmac: (id: string) => createHmac('sha256', secret('hmac-key')).update(id).digest('hex'),
    async down() {
      await cli(['down']);
    },
  };
}

/** Polls (bounded) until a count query returns at least `expected`; returns the last count. */
export async function waitForCount(h: Harness, query: string, expected: number, timeoutMs = 30_000): Promise<number> {
  const deadline = Date.now() + timeoutMs;
  let n = -1;
  while (Date.now() < deadline) {
    n = Number((await h.sql<{ n: number }>(query))[0]?.n ?? 0);
    if (n >= expected) return n;
    await new Promise((r) => setTimeout(r, 300));
  }
  return n;
}
