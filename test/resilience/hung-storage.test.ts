import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { STACK_TRACE } from '../support/cli.js';
import { startHarness, type Harness } from '../query/harness.js';

/**
 * Storage that is alive but never answers (SIGSTOP stands in for a deadlock or a machine deep in
 * swap): every command that reads it returns within 15 s, naming the part, and `status` tells it
 * from a running one. SIGCONT brings it back and everything answers again.
 */
describe('hung storage (SIGSTOP)', () => {
  let h: Harness;
  let storagePid = 0;

  beforeAll(async () => {
    h = await startHarness();
    const status = await h.json<{ components: { component: string; id?: string }[] }>(['status']);
    storagePid = Number(status.components.find((c) => c.component === 'clickhouse')?.id);
    expect(storagePid).toBeGreaterThan(0);
    process.kill(storagePid, 'SIGSTOP');
  }, 600_000);

  afterAll(async () => {
    if (storagePid) process.kill(storagePid, 'SIGCONT');
    await h?.down();
  });

  for (const args of [['query', '--sql', 'SELECT 1'], ['usage', 'top'], ['verify']]) {
    it(`${args.join(' ')}: returns within 15 s naming the clickhouse part`, async () => {
      const started = Date.now();
      const r = await h.cli(args);
      const seconds = (Date.now() - started) / 1000;
      console.log(`[hung storage] ${args.join(' ')}: exit ${r.exitCode} after ${seconds.toFixed(1)} s`);
      expect(seconds).toBeLessThan(15);
      expect(r.exitCode).toBe(1);
      expect(r.stderr + r.stdout).toMatch(/ClickHouse on 127\.0\.0\.1:\d+ \(the stack's clickhouse part\): \/ping did not answer within 3 s \(hung or overloaded\)/);
      expect(r.stderr).not.toMatch(STACK_TRACE);
    });
  }

  it('status says the part is alive but hung, not running', async () => {
    const r = await h.cli(['status', '--json']);
    const status = JSON.parse(r.stdout) as { components: { component: string; state: string; detail?: string }[] };
    const storage = status.components.find((c) => c.component === 'clickhouse');
    expect(storage?.state).toBe('unhealthy');
    expect(storage?.detail).toBe(`pid ${storagePid} is alive but /ping did not answer within 2 s (hung or overloaded)`);
    expect(r.exitCode).toBe(1);
  });

  it('after SIGCONT every command answers again', async () => {
    process.kill(storagePid, 'SIGCONT');
    expect((await h.cli(['query', '--sql', 'SELECT 1'])).exitCode).toBe(0);
    const verify = await h.cli(['verify']);
    expect(verify.exitCode, verify.stdout + verify.stderr).toBe(0);
  });
});
