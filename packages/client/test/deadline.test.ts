import { describe, expect, it } from 'vitest';
import { startDeadline } from '../src/deadline.js';

// That its timer never holds a host open is checked where it matters, on whole processes
// (host-exit.test.ts: black-holed endpoint and DNS, a host that does not await track).

const wait = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('the send deadline', () => {
  it('calls every waiter once when it passes, and a late waiter at once', async () => {
    const deadline = startDeadline(30);
    const calls: string[] = [];
    deadline.onExpire(() => calls.push('a'));
    deadline.onExpire(() => calls.push('b'));
    expect(deadline.expired).toBe(false);
    await wait(80);
    expect(deadline.expired).toBe(true);
    expect(calls).toEqual(['a', 'b']);
    deadline.onExpire(() => calls.push('late'));
    expect(calls).toEqual(['a', 'b', 'late']);
  });

  it('a waiter cancelled before expiry is not called; all waiters due at expiry are, whatever they cancel', async () => {
    const deadline = startDeadline(30);
    const calls: string[] = [];
    const cancelA = deadline.onExpire(() => calls.push('a'));
    deadline.onExpire(() => {
      calls.push('b');
      cancelC();
    });
    const cancelC = deadline.onExpire(() => calls.push('c'));
    cancelA();
    await wait(80);
    // c was already due when b ran: every waiter registered at expiry time is called.
    expect(calls).toEqual(['b', 'c']);
  });

  it('clear stops it: nothing is called and it never expires', async () => {
    const deadline = startDeadline(30);
    let called = false;
    deadline.onExpire(() => (called = true));
    deadline.clear();
    await wait(80);
    expect(called).toBe(false);
    expect(deadline.expired).toBe(false);
  });
});
