import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, request as httpRequest, type IncomingMessage, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { cacheRoot } from '../../cli/collector/build.js';
import { startFakeAnthropic, type LoggedRequest, type ServedMessage, type Usage } from './fake-anthropic.js';

/**
 * Claude Code, the real client, installed from npm into a cache outside the repository (it is not a
 * dependency of the package), pinned so a new release cannot change what the tests see unnoticed.
 */
export const CLAUDE_CODE_VERSION = '2.1.330';
const PACKAGE = '@anthropic-ai/claude-code';

export function claudeCodeDir(env: NodeJS.ProcessEnv = process.env): string {
  return join(cacheRoot(env), 'claude-code', CLAUDE_CODE_VERSION);
}

/**
 * The native executable the package ships per platform. The package's own launcher is a postinstall
 * step that copies it into place; installing without scripts and running the platform binary directly
 * keeps one process per run, which a timeout can kill outright.
 */
function nativeBinary(dir: string): string | undefined {
  const base = join(dir, 'node_modules', '@anthropic-ai');
  const platform = `${process.platform}-${process.arch}`;
  const exe = process.platform === 'win32' ? 'claude.exe' : 'claude';
  for (const pkg of [`claude-code-${platform}`, `claude-code-${platform}-musl`]) {
    const file = join(base, pkg, exe);
    if (existsSync(file)) return file;
  }
  return undefined;
}

/** Path of the `claude` executable, installing the pinned version first when the cache lacks it. */
export async function ensureClaudeCode(log: (line: string) => void = () => {}): Promise<string> {
  const dir = claudeCodeDir();
  const ready = nativeBinary(dir);
  if (ready) return ready;
  const staging = `${dir}.tmp-${process.pid}`;
  rmSync(staging, { recursive: true, force: true });
  mkdirSync(staging, { recursive: true });
  log(`installing ${PACKAGE}@${CLAUDE_CODE_VERSION} into ${dir}`);
  const result = await execa('npm', ['install', '--prefix', staging, '--no-save', '--no-audit', '--no-fund', '--ignore-scripts', '--no-package-lock', `${PACKAGE}@${CLAUDE_CODE_VERSION}`], {
    reject: false,
    timeout: 600_000,
    all: true,
  });
  if (result.exitCode !== 0) {
    rmSync(staging, { recursive: true, force: true });
    throw new Error(`npm install ${PACKAGE}@${CLAUDE_CODE_VERSION} failed (exit ${result.exitCode}):\n${result.all}`);
  }
  rmSync(dir, { recursive: true, force: true });
  renameSync(staging, dir);
  const bin = nativeBinary(dir);
  if (!bin) throw new Error(`${PACKAGE}@${CLAUDE_CODE_VERSION} has no native binary for ${process.platform}-${process.arch} in ${dir}`);
  return bin;
}

export interface TappedRequest {
  path: string;
  contentType: string;
  /** The raw bytes the client sent. */
  raw: Buffer;
  /** Parsed body for application/json requests. */
  json?: unknown;
  /** Status the upstream answered (or 200 when recording only). */
  status: number;
}

export interface OtlpTap {
  /** Base URL to give a client as its OTLP/HTTP endpoint. */
  url: string;
  requests: TappedRequest[];
  close(): Promise<void>;
}

/**
 * An OTLP/HTTP recorder on loopback. With `upstream` it forwards every request unchanged and relays
 * the answer (a pass-through tap in front of a Collector); without, it answers 200 with an empty
 * export response. Either way the test sees exactly the bytes the client sent.
 */
export async function startOtlpTap(options: { upstream?: string } = {}): Promise<OtlpTap> {
  const requests: TappedRequest[] = [];
  const upstream = options.upstream ? new URL(options.upstream) : undefined;
  if (upstream && upstream.hostname !== '127.0.0.1') throw new Error(`the tap forwards to loopback only, not ${upstream.hostname}`);
  const server: Server = createServer((req, res) => {
    collect(req)
      .then(async (raw) => {
        const contentType = String(req.headers['content-type'] ?? '');
        const entry: TappedRequest = { path: req.url ?? '/', contentType, raw, status: 200 };
        if (contentType.includes('json')) {
          try {
            entry.json = JSON.parse(raw.toString('utf8'));
          } catch {
            // kept as raw bytes
          }
        }
        requests.push(entry);
        if (!upstream) {
          const body = contentType.includes('json') ? '{}' : '';
          res.writeHead(200, { 'content-type': contentType.includes('json') ? 'application/json' : 'application/x-protobuf' });
          res.end(body);
          return;
        }
        const answer = await forward(upstream, req, raw);
        entry.status = answer.status;
        res.writeHead(answer.status, answer.headers);
        res.end(answer.body);
      })
      .catch((e: unknown) => {
        if (!res.headersSent) res.writeHead(502, { 'content-type': 'text/plain' });
        res.end(String(e));
      });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function collect(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

function forward(upstream: URL, req: IncomingMessage, raw: Buffer): Promise<{ status: number; headers: Record<string, string>; body: Buffer }> {
  return new Promise((resolve, reject) => {
    const headers: Record<string, string> = {};
    for (const name of ['content-type', 'content-encoding', 'authorization']) {
      const v = req.headers[name];
      if (typeof v === 'string') headers[name] = v;
    }
    headers['content-length'] = String(raw.length);
    const out = httpRequest({ host: '127.0.0.1', port: Number(upstream.port), method: req.method, path: req.url, headers, timeout: 30_000 }, (res) => {
      collect(res)
        .then((body) => {
          const h: Record<string, string> = {};
          const ct = res.headers['content-type'];
          if (typeof ct === 'string') h['content-type'] = ct;
          resolve({ status: res.statusCode ?? 502, headers: h, body });
        })
        .catch(reject);
    });
    out.on('timeout', () => out.destroy(new Error('upstream timed out')));
    out.on('error', reject);
    out.end(raw);
  });
}

export interface ClaudeCodeRunOptions {
  /** OTLP/HTTP base URL (loopback), e.g. a Collector's http receiver or a tap. */
  otlpEndpoint: string;
  prompt: string;
  /** The Bash command the fake model asks to run; it runs for real, so keep it harmless. */
  bashCommand?: string;
  /**
   * Who runs Claude Code. It becomes Claude Code's anonymous id (`userID` in ~/.claude.json), which it
   * sends as `user.id`. Claude Code only accepts 64 hex characters there and replaces anything else
   * with a random id, so any other text is turned into one (SHA-256): one user, one stable id.
   * Omitted: Claude Code makes one up.
   */
  user?: string;
  /** Extra resource attributes (OTEL_RESOURCE_ATTRIBUTES), e.g. team or cost_center. */
  resourceAttributes?: Record<string, string>;
  /** Pin the model (`--model`); otherwise Claude Code's default. */
  model?: string;
  protocol?: 'http/json' | 'http/protobuf';
  /** Token usage the fake API reports per reply kind. */
  usage?: Partial<Record<ServedMessage['kind'], Usage>>;
  timeoutMs?: number;
}

export interface ClaudeCodeRun {
  /** The `user.id` Claude Code was given (see ClaudeCodeRunOptions.user); undefined when it chose one. */
  userId: string | undefined;
  exitCode: number;
  timedOut: boolean;
  stdout: string;
  stderr: string;
  /** What the fake Messages API answered, in order: model and usage per reply. */
  served: ServedMessage[];
  /** Every request Claude Code made to the fake API. */
  requests: LoggedRequest[];
  /** The home directory the run used (removed after the run; its name may appear in what was sent). */
  home: string;
  /** The working directory the run used (removed after the run). */
  cwd: string;
}

/**
 * Runs `claude -p` once, offline: the Messages API is a local fake, telemetry goes to `otlpEndpoint`,
 * the environment is built from nothing (no proxy, no stray OTEL_* settings from the machine), and the
 * run is bounded by a timeout. Telemetry content logging (prompts, tool details) is on, so the run
 * produces the most sensitive events Claude Code can send.
 */
export async function runClaudeCode(options: ClaudeCodeRunOptions): Promise<ClaudeCodeRun> {
  const otlp = new URL(options.otlpEndpoint);
  if (otlp.hostname !== '127.0.0.1') throw new Error(`OTLP endpoint must be loopback, not ${otlp.hostname}`);
  const bin = await ensureClaudeCode((line) => process.stderr.write(`[claude-code] ${line}\n`));
  const fake = await startFakeAnthropic({ bashCommand: options.bashCommand ?? 'echo telemetry-stack', ...(options.usage ? { usage: options.usage } : {}) });
  const root = mkdtempSync(join(tmpdir(), 'telemetry-stack-cc-'));
  const home = join(root, 'home', 'ccuser');
  const cwd = join(home, 'project');
  mkdirSync(cwd, { recursive: true });
  const userId = options.user === undefined ? undefined : claudeCodeUserId(options.user);
  if (userId !== undefined) {
    writeFileSync(join(home, '.claude.json'), JSON.stringify({ userID: userId, hasCompletedOnboarding: true }));
  }
  const resourceAttributes = Object.entries(options.resourceAttributes ?? {})
    .map(([k, v]) => `${k}=${encodeURIComponent(v)}`)
    .join(',');
  const env: Record<string, string> = {
    PATH: process.env['PATH'] ?? '/usr/bin:/bin',
    HOME: home,
    LANG: 'C.UTF-8',
    TMPDIR: join(root, 'tmp'),
    ANTHROPIC_BASE_URL: fake.url,
    ANTHROPIC_API_KEY: 'fake',
    CLAUDE_CODE_ENABLE_TELEMETRY: '1',
    OTEL_LOGS_EXPORTER: 'otlp',
    OTEL_METRICS_EXPORTER: 'otlp',
    OTEL_EXPORTER_OTLP_PROTOCOL: options.protocol ?? 'http/json',
    OTEL_EXPORTER_OTLP_ENDPOINT: options.otlpEndpoint,
    OTEL_LOG_USER_PROMPTS: '1',
    OTEL_LOG_TOOL_DETAILS: '1',
    OTEL_METRIC_EXPORT_INTERVAL: '1000',
    OTEL_LOGS_EXPORT_INTERVAL: '500',
    DISABLE_AUTOUPDATER: '1',
    CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: '1',
    ...(resourceAttributes ? { OTEL_RESOURCE_ATTRIBUTES: resourceAttributes } : {}),
  };
  mkdirSync(env['TMPDIR']!, { recursive: true });
  const args = ['-p', options.prompt, '--allowedTools', 'Bash', ...(options.model ? ['--model', options.model] : [])];
  try {
    const result = await execa(bin, args, {
      cwd,
      env,
      extendEnv: false,
      reject: false,
      stdin: 'ignore',
      timeout: options.timeoutMs ?? 120_000,
      killSignal: 'SIGKILL',
    });
    return {
      userId,
      exitCode: result.exitCode ?? -1,
      timedOut: result.timedOut,
      stdout: String(result.stdout),
      stderr: String(result.stderr),
      served: [...fake.served],
      requests: [...fake.requests],
      home,
      cwd,
    };
  } finally {
    await fake.close();
    rmSync(root, { recursive: true, force: true });
  }
}

/** The `user.id` Claude Code sends for `user` (see ClaudeCodeRunOptions.user). */
export function claudeCodeUserId(user: string): string {
  return /^[0-9a-f]{64}$/.test(user) ? user : createHash('sha256').update(user).digest('hex');
}
