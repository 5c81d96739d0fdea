import type { Command } from 'commander';
import { UsageError } from '../errors.js';
import { CLAUDE_CODE_ENV_FORMATS, claudeCodeEnv, formatClaudeCodeEnv, type ClaudeCodeEnvFormat } from '../render/claude-code-env.js';
import { loadStack, STACK_FILE_OPTION } from './shared.js';

export function registerEnv(program: Command): void {
  const env = program.command('env').description('print client settings that point a tool at this stack');
  env
    .command('claude-code')
    .description('environment for Claude Code: OTLP protocol, endpoint, intervals, team token, content switches matching the privacy policy')
    .option(...STACK_FILE_OPTION)
    .option('--format <format>', `output: ${CLAUDE_CODE_ENV_FORMATS.join(' | ')}`, 'shell')
    .option('--endpoint <url>', 'endpoint clients reach the stack at (a team gateway host name)')
    .option('--disable', 'print the setting that turns Claude Code telemetry off')
    .action(async (opts: { file?: string; format: string; endpoint?: string; disable?: boolean }) => {
      if (!(CLAUDE_CODE_ENV_FORMATS as readonly string[]).includes(opts.format)) {
        throw new UsageError(`--format ${opts.format}: expected one of ${CLAUDE_CODE_ENV_FORMATS.join(', ')}`);
      }
      if (opts.endpoint !== undefined && !/^https?:\/\/[^\s/]+(:\d+)?\/?$/.test(opts.endpoint)) {
        throw new UsageError(`--endpoint ${opts.endpoint}: expected http(s)://host:port`);
      }
      const format = opts.format as ClaudeCodeEnvFormat;
      // Turning telemetry off needs no stack: it must work on any machine, stack file or not.
      if (opts.disable) {
        process.stdout.write(formatClaudeCodeEnv({ CLAUDE_CODE_ENABLE_TELEMETRY: '0' }, format));
        return;
      }
      const { stack } = await loadStack(opts.file);
      const auth = stack.receivers.auth;
      // Shell output can reference the token variable; the other formats need its value.
      const token = auth && format !== 'shell' ? process.env[auth.bearerTokenEnv] : undefined;
      if (auth && format !== 'shell' && !token) {
        process.stderr.write(`warning: $${auth.bearerTokenEnv} is not set; the header below holds a placeholder to replace with the team token\n`);
      }
      const vars = claudeCodeEnv(stack, { ...(opts.endpoint ? { endpoint: opts.endpoint.replace(/\/$/, '') } : {}), ...(token ? { token } : {}) });
      process.stdout.write(formatClaudeCodeEnv(vars, format));
    });
}
