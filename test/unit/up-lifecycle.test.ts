import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { UserError } from '../../cli/errors.js';
import type { RenderedFile } from '../../cli/render/rendered-file.js';
import type { RuntimeContext } from '../../cli/runtime/runtime.js';
import { type FoundPart, type Part, type PartRunner, upStack } from '../../cli/runtime/up-lifecycle.js';
import { parseStackFile } from '../../cli/stack/load.js';
import { resolveStack } from '../../cli/stack/resolve.js';
import { freePorts } from '../support/ports.js';

/** How a fake part behaves: what `up` finds, and whether it becomes ready once started. */
interface Script {
  found?: FoundPart;
  /** Once started, the part exits at once instead of becoming ready. */
  exits?: boolean;
}

/**
 * Parts that record every call in one list, so a test sees the order of the lifecycle's steps.
 * Nothing runs: a part is "ready" when the script says it is.
 */
class FakeParts implements PartRunner<Part> {
  readonly kind = 'process' as const;
  calls: string[] = [];
  private readonly started = new Set<string>();
  private next = 1;

  constructor(
    private readonly scripts: Record<string, Script>,
    private readonly ports: Record<string, number[]> = {},
  ) {}

  configFiles(files: RenderedFile[]) {
    this.calls.push('config');
    return { files: files.filter((f) => !f.path.startsWith('compose/')) };
  }

  async plan(): Promise<Part[]> {
    this.calls.push('plan');
    return ['storage', 'collector'].map((name) => ({
      name,
      ports: this.ports[name] ?? [],
      ready: {
        name: `${name} ready`,
        timeoutMs: 1000,
        probe: async () => this.started.has(name) || this.scripts[name]?.found?.state === 'running',
      },
    }));
  }

  async find(part: Part): Promise<FoundPart> {
    this.calls.push(`find ${part.name}`);
    return this.scripts[part.name]?.found ?? { state: 'absent' };
  }

  async clear(part: Part): Promise<void> {
    this.calls.push(`clear ${part.name}`);
  }

  async start(part: Part): Promise<string> {
    this.calls.push(`start ${part.name}`);
    if (!this.scripts[part.name]?.exits) this.started.add(part.name);
    return `(fake ${this.next++})`;
  }

  async exited(part: Part): Promise<string | undefined> {
    return this.scripts[part.name]?.exits ? 'exited' : undefined;
  }

  async remove(part: Part): Promise<string | undefined> {
    this.calls.push(`remove ${part.name}`);
    return `fake ${part.name}`;
  }

  async holdRestarts(): Promise<void> {
    this.calls.push('hold');
  }

  async resumeRestarts(parts: readonly Part[]): Promise<string> {
    this.calls.push(`resume ${parts.map((p) => p.name).join(',')}`);
    return 'supervisor: resumed';
  }
}

const dirs: string[] = [];

afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

/** A Loki stack on free ports: nothing to apply schema to, no storage of the user's to ask. */
async function context(): Promise<RuntimeContext> {
  const [grpc, http, health, metrics, loki] = (await freePorts(5)) as number[];
  const dir = mkdtempSync(join(tmpdir(), 'up-lifecycle-'));
  dirs.push(dir);
  const dataDir = join(dir, 'data');
  const text = `version: 1\nname: unit\ndataDir: ${dataDir}\nbackend: loki\nruntime: docker\nreceivers: {grpc: {port: ${grpc}}, http: {port: ${http}}}\ncollector: {healthPort: ${health}, metricsPort: ${metrics}}\nloki: {port: ${loki}}\n`;
  const stack = resolveStack(parseStackFile(text, 's.yaml', {}).stack!, join(dir, 's.yaml'), {});
  return { stack, env: {} };
}

async function up(runner: FakeParts) {
  const ctx = await context();
  const lines: string[] = [];
  const outcome = await upStack(ctx, runner, (l) => lines.push(l)).catch((e: unknown) => e);
  // Lines about generated secrets depend on the machine's environment, not on the lifecycle.
  return { ctx, outcome, lines: lines.filter((l) => !l.startsWith('generated ')) };
}

function listen(port: number): Promise<Server> {
  const server = createServer();
  return new Promise((resolve) => server.listen(port, '127.0.0.1', () => resolve(server)));
}

describe('up lifecycle (fake parts)', () => {
  it('prepares and renders, plans, holds restarts, finds every part, starts storage then the Collector, and hands them back to restarts last', async () => {
    const runner = new FakeParts({});
    const { ctx, outcome, lines } = await up(runner);
    expect(outcome).toMatchObject({ runtime: 'process', started: ['storage', 'collector'], alreadyRunning: [], notes: [] });
    expect(runner.calls).toEqual(['config', 'plan', 'hold', 'find storage', 'find collector', 'start storage', 'start collector', 'resume storage,collector']);
    expect(lines).toEqual([
      'storage: started (fake 1), waiting for storage ready',
      expect.stringMatching(/^storage: ready in \d+\.\d s$/),
      'collector: started (fake 2), waiting for collector ready',
      expect.stringMatching(/^collector: ready in \d+\.\d s$/),
      'supervisor: resumed',
    ]);
    // The rendered config is on disk before any part starts; the compose directory was left out.
    expect(existsSync(join(ctx.stack.dataDir, 'config', 'collector.yaml'))).toBe(true);
    expect(existsSync(join(ctx.stack.dataDir, 'config', 'compose'))).toBe(false);
  });

  it('a part that never becomes ready: removes exactly the parts this up started, newest first, and the error says which', async () => {
    const runner = new FakeParts({ collector: { exits: true } });
    const { outcome } = await up(runner);
    expect(outcome).toBeInstanceOf(UserError);
    expect((outcome as UserError).message).toBe('collector ready: not ready after 0 s: exited; removed what this up created: collector (fake collector), storage (fake storage)');
    expect(runner.calls).toEqual(['config', 'plan', 'hold', 'find storage', 'find collector', 'start storage', 'start collector', 'remove collector', 'remove storage']);
  });

  it('a part that was already running is left alone on failure, and handed back to restarts', async () => {
    const runner = new FakeParts({ storage: { found: { state: 'running', what: 'pid 7', ports: [] } }, collector: { exits: true } });
    const { outcome, lines } = await up(runner);
    expect((outcome as UserError).message).toBe('collector ready: not ready after 0 s: exited; removed what this up created: collector (fake collector)');
    expect(runner.calls).toEqual(['config', 'plan', 'hold', 'find storage', 'find collector', 'start collector', 'remove collector', 'resume storage']);
    expect(lines[0]).toBe('storage: already running (pid 7)');
  });

  it('a running part is not started again; an outdated one restarts with a note; a left-over one is cleared first', async () => {
    const runner = new FakeParts({
      storage: { found: { state: 'outdated', what: 'pid 7', ports: [] } },
      collector: { found: { state: 'left-over', what: 'a stale record (pid 8 is gone)' } },
    });
    const { outcome, lines } = await up(runner);
    expect(outcome).toMatchObject({ started: ['storage', 'collector'], alreadyRunning: [], notes: ['storage: restarted with the changed configuration'] });
    expect(runner.calls).toEqual(['config', 'plan', 'hold', 'find storage', 'find collector', 'clear storage', 'start storage', 'clear collector', 'start collector', 'resume storage,collector']);
    expect(lines.filter((l) => !/ready in|waiting for/.test(l))).toEqual([
      'storage: configuration changed, restarting (pid 7)',
      'collector: removed a stale record (pid 8 is gone)',
      'supervisor: resumed',
    ]);

    const again = new FakeParts({ storage: { found: { state: 'running', what: 'pid 9', ports: [] } }, collector: { found: { state: 'running', what: 'pid 10', ports: [] } } });
    const second = await up(again);
    expect(second.outcome).toMatchObject({ started: [], alreadyRunning: ['storage', 'collector'] });
    expect(again.calls).toEqual(['config', 'plan', 'hold', 'find storage', 'find collector', 'resume storage,collector']);
  });

  it('a busy port fails before any part is stopped or started; a port the running part holds itself is not busy', async () => {
    const [own, busy] = (await freePorts(2)) as number[];
    const blocker = await listen(busy!);
    const held = await listen(own!);
    try {
      const runner = new FakeParts({ storage: { found: { state: 'outdated', what: 'pid 7', ports: [own!] } } }, { storage: [own!], collector: [busy!] });
      const { outcome } = await up(runner);
      expect(outcome).toBeInstanceOf(UserError);
      expect((outcome as UserError).message).toMatch(new RegExp(`^collector: port ${busy} is in use by pid ${process.pid}.*; stop it or change the port in the stack file$`));
      // Nothing was started, so nothing is removed or named; the outdated part keeps running,
      // untouched, and goes back to the supervisor.
      expect(runner.calls).toEqual(['config', 'plan', 'hold', 'find storage', 'find collector', 'resume storage']);
    } finally {
      await new Promise((r) => blocker.close(r));
      await new Promise((r) => held.close(r));
    }
  });
});
