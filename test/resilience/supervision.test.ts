import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitForCount, startHarness, type Harness } from '../query/harness.js';
import { sendCliEvents } from '../support/otlp-send.js';

interface Status {
  components: { component: string; state: string; id?: string; restarts?: number; lastExit?: string }[];
}

/**
 * A part killed with nothing else done comes back by itself: the supervisor `up` starts sees the
 * pid gone and starts the part again. Acknowledged events survive it (the Collector retries from
 * its persistent queue), and status shows the restart and how the part ended.
 */
describe('supervision of the process runtime', () => {
  let h: Harness;
  // status exits 1 while a part is down, which is exactly when these tests read it.
  const status = async () => JSON.parse((await h.cli(['status', '--json'])).stdout) as Status;
  const part = async (name: string) => (await status()).components.find((c) => c.component === name)!;

  beforeAll(async () => {
    h = await startHarness();
  }, 600_000);

  afterAll(async () => {
    await h?.down();
  });

  it('kill -9 of the storage: back and storing within 10 s, nothing acknowledged lost', async () => {
    const before = await part('clickhouse');
    const runId = `supervised-${Date.now()}`;
    process.kill(Number(before.id), 'SIGKILL');
    const killedAt = Date.now();
    // Events acknowledged while storage is down wait in the Collector's queue.
    const sent = await sendCliEvents(h.stack.ports.http, runId, 200);
    let back = 0;
    for (let i = 0; i < 100 && !back; i++) {
      const now = await part('clickhouse');
      if (now.state === 'running' && now.id !== before.id) back = Date.now() - killedAt;
      else await new Promise((r) => setTimeout(r, 100));
    }
    const stored = await waitForCount(h, `SELECT count() AS n FROM telemetry.otel_logs WHERE position(Body, '${runId}') > 0`, sent, 20_000);
    const storingAfter = (Date.now() - killedAt) / 1000;
    console.log(`[supervision] storage killed: running again after ${(back / 1000).toFixed(1)} s; ${stored}/${sent} acknowledged events stored ${storingAfter.toFixed(1)} s after the kill`);
    expect(back).toBeGreaterThan(0);
    expect(back).toBeLessThan(10_000);
    expect(stored).toBe(sent);
    const after = await part('clickhouse');
    expect(after.restarts).toBe(1);
    expect(after.lastExit).toMatch(new RegExp(`^pid ${before.id} gone`));
  }, 120_000);

  it('a part that keeps dying is started again with backoff; down stops it and the supervisor for good', async () => {
    const first = await part('collector');
    process.kill(Number(first.id), 'SIGKILL');
    let second = first;
    for (let i = 0; i < 100 && (second.id === first.id || second.state !== 'running'); i++) {
      await new Promise((r) => setTimeout(r, 100));
      second = await part('collector');
    }
    expect(second.id).not.toBe(first.id);
    // The new Collector is the supervisor's child: its end is known exactly.
    const killedAt = Date.now();
    process.kill(Number(second.id), 'SIGKILL');
    let third = second;
    for (let i = 0; i < 100 && (third.id === second.id || third.state !== 'running'); i++) {
      await new Promise((r) => setTimeout(r, 100));
      third = await part('collector');
    }
    const waited = Date.now() - killedAt;
    console.log(`[supervision] collector killed twice within a minute: second restart after ${(waited / 1000).toFixed(1)} s; last exit: ${third.lastExit}`);
    expect(third.restarts).toBe(2);
    expect(third.lastExit).toBe('killed by SIGKILL');
    // A crash within a minute of the last start waits at least a second before the next start.
    expect(waited).toBeGreaterThanOrEqual(1000);
    expect((await h.cli(['down'])).exitCode).toBe(0);
    await new Promise((r) => setTimeout(r, 1500));
    const down = JSON.parse((await h.cli(['status', '--json'])).stdout) as Status;
    expect(down.components.map((c) => [c.component, c.state])).toEqual([
      ['clickhouse', 'stopped'],
      ['collector', 'stopped'],
    ]);
  }, 120_000);
});
