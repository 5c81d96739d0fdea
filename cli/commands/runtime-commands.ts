import type { Command } from 'commander';
import type { ComponentStatus, Runtime } from '../runtime/runtime.js';
import type { Stack } from '../stack/resolve.js';
import { loadStack, printJson, STACK_FILE_OPTION } from './shared.js';

async function runtimeFor(file: string | undefined, announce: boolean): Promise<{ runtime: Runtime; stack: Stack }> {
  const { stack } = await loadStack(file);
  const [{ chooseRuntime }, { createRuntime }] = await Promise.all([import('../runtime/select.js'), import('../runtime/create.js')]);
  const choice = await chooseRuntime(stack, process.env);
  if (announce) process.stderr.write(`${choice.reason}\n`);
  return { runtime: await createRuntime(choice.kind, { stack, env: process.env }), stack };
}

export function registerRuntimeCommands(program: Command): void {
  program
    .command('up')
    .description('start the stack (idempotent) and wait until every part is ready')
    .option(...STACK_FILE_OPTION)
    .option('--json', 'print the result as JSON')
    .action(async (opts: { file?: string; json?: boolean }) => {
      const { runtime, stack } = await runtimeFor(opts.file, true);
      const { requireOwnDataDir, withDataDirLock } = await import('../home/data-dir.js');
      const result = await withDataDirLock(stack.dataDir, 'up', async () => {
        // Parts with a pid or a container are this machine's; storage the user brings has neither.
        await requireOwnDataDir(stack, async () => (await runtime.status()).some((s) => s.id !== undefined && s.state === 'running'));
        return runtime.up((line) => process.stderr.write(`  ${line}\n`));
      });
      if (opts.json) printJson({ ...result, dataDir: stack.dataDir });
      else {
        const r = stack.receivers;
        process.stdout.write(
          `stack ${stack.name} is up on ${result.runtime} in ${result.seconds.toFixed(1)} s (data: ${stack.dataDir})\n` +
            `  OTLP: ${r.grpc.enabled ? `grpc ${r.bind}:${r.grpc.port}  ` : ''}${r.http.enabled ? `http ${r.tls ? 'https' : 'http'}://${r.bind}:${r.http.port}` : ''}\n` +
            `  next: telemetry-stack verify\n`,
        );
      }
    });

  program
    .command('down')
    .description('stop the stack; collected data and the delivery queue are kept')
    .option(...STACK_FILE_OPTION)
    .option('--volumes', 'docker runtime: also delete the data volumes')
    .option('--json', 'print the result as JSON')
    .action(async (opts: { file?: string; volumes?: boolean; json?: boolean }) => {
      const { runtime, stack } = await runtimeFor(opts.file, false);
      const { withDataDirLock } = await import('../home/data-dir.js');
      const { existsSync } = await import('node:fs');
      const down = () => runtime.down({ volumes: opts.volumes ?? false });
      // No data directory: nothing ever ran here, and down must not create one.
      const result = existsSync(stack.dataDir) ? await withDataDirLock(stack.dataDir, 'down', down) : await down();
      if (opts.json) printJson(result);
      else if (result.stopped.length === 0) process.stdout.write('nothing was running\n');
      else for (const s of result.stopped) process.stdout.write(`${s.component}: ${s.how}\n`);
    });

  program
    .command('status')
    .description('each component: state, pid or container, ports, uptime, and the Collector counters')
    .option(...STACK_FILE_OPTION)
    .option('--json', 'print the result as JSON')
    .action(async (opts: { file?: string; json?: boolean }) => {
      const { runtime, stack } = await runtimeFor(opts.file, false);
      const status = await runtime.status();
      const { diskSpace, diskProblem, formatBytes, minFreeBytes } = await import('../home/disk-space.js');
      const disk = diskSpace(stack.dataDir);
      const full = diskProblem(stack.dataDir, minFreeBytes(stack));
      if (opts.json) printJson({ stack: stack.name, runtime: runtime.kind, components: status, disk: { ...disk, ...(full ? { problem: full } : {}) } });
      else process.stdout.write(formatStatus(status) + (full ? `${full}\n` : `data: ${disk.path}, ${formatBytes(disk.freeBytes)} free of ${formatBytes(disk.totalBytes)}\n`));
      if (status.some((s) => s.state !== 'running') || full) process.exitCode = 1;
    });

  program
    .command('logs')
    .description('show a component log (collector, clickhouse or loki)')
    .argument('[component]', 'component', 'collector')
    // -f means follow here, as in `docker logs -f` and `tail -f`; the stack file is --file only.
    .option('--file <file>', STACK_FILE_OPTION[1])
    .option('-f, --follow', 'keep printing new lines until interrupted')
    .option('-n, --lines <n>', 'lines to show first', '50')
    .action(async (component: string, opts: { file?: string; follow?: boolean; lines: string }) => {
      const { runtime } = await runtimeFor(opts.file, false);
      const controller = new AbortController();
      process.once('SIGINT', () => controller.abort());
      await runtime.logs(component, { follow: opts.follow ?? false, lines: Math.max(0, Number(opts.lines) || 50), write: (t) => process.stdout.write(t), signal: controller.signal });
    });
}

function formatStatus(status: ComponentStatus[]): string {
  const rows = status.map((s) => [
    s.component,
    s.state,
    s.id ?? '-',
    s.ports.join(',') || '-',
    s.uptimeSeconds === undefined ? '-' : formatUptime(s.uptimeSeconds),
    [s.detail, s.restarts ? `restarts ${s.restarts} (last: ${s.lastExit ?? 'unknown'})` : undefined].filter(Boolean).join('; '),
  ]);
  const header = ['COMPONENT', 'STATE', 'PID/ID', 'PORTS', 'UPTIME', 'DETAIL'];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  return (
    [header, ...rows]
      .map((r) =>
        r
          .map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i]!)))
          .join('  ')
          .trimEnd(),
      )
      .join('\n') + '\n'
  );
}

function formatUptime(s: number): string {
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m${s % 60}s`;
  return `${Math.floor(s / 3600)}h${Math.floor((s % 3600) / 60)}m`;
}
