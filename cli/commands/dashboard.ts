import type { Command } from 'commander';
import { UserError } from '../errors.js';
import { loadStack, STACK_FILE_OPTION } from './shared.js';

function parsePort(text: string | undefined): number {
  if (text === undefined) return 0;
  if (!/^\d+$/.test(text) || Number(text) < 1 || Number(text) > 65535) throw new UserError(`--port ${text}: expected a port from 1 to 65535 (or leave --port out for a free one)`);
  return Number(text);
}

export function registerDashboard(program: Command): void {
  program
    .command('dashboard')
    .description('serve a local web dashboard on 127.0.0.1: usage, cost, tokens, errors, sessions, drill-down to recent events (the same query templates as the CLI)')
    .option(...STACK_FILE_OPTION)
    .option('--port <port>', 'port on 127.0.0.1 (default: a free one)')
    .option('--open', 'open the dashboard in the default browser')
    .action(async (opts: { file?: string; port?: string; open?: boolean }) => {
      const port = parsePort(opts.port);
      const { stack } = await loadStack(opts.file);
      const auth = stack.receivers.auth;
      // Team mode: the dashboard shows what the receivers accept only with the token, so it asks for the same one.
      const token = auth ? process.env[auth.bearerTokenEnv] : undefined;
      if (auth && !token) throw new UserError(`$${auth.bearerTokenEnv} is not set; in team mode the dashboard asks for the receivers' bearer token, so set it as for \`up\``);
      const [{ openQuerySource }, { startDashboard }, { openBrowser }] = await Promise.all([import('../query/source.js'), import('../dashboard/server.js'), import('../dashboard/open.js')]);
      const source = openQuerySource(stack, process.env);
      const dashboard = await startDashboard({ source, backend: stack.backend, port, token }).catch(async (e: unknown) => {
        await source.close();
        throw e;
      });
      process.stdout.write(`dashboard: ${dashboard.url}\n`);
      if (auth) process.stdout.write(`dashboard: team mode: open ${dashboard.url}?token=<value of $${auth.bearerTokenEnv}> once, or send Authorization: Bearer\n`);
      process.stdout.write('dashboard: Ctrl-C stops it\n');
      if (opts.open) openBrowser(auth ? `${dashboard.url}?token=${encodeURIComponent(token!)}` : dashboard.url);
      await new Promise<void>((resolve) => {
        const stop = () => resolve();
        process.once('SIGINT', stop);
        process.once('SIGTERM', stop);
      });
      await dashboard.close();
      await source.close();
    });
}
