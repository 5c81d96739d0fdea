import { describe, expect, it } from 'vitest';
import { bucket, BUCKETS } from '../src/heartbeat-entry.js';

describe('bucket', () => {
  it.each<[number, string]>([
    [0, '0'],
    [0.9, '0'],
    [-5, '0'],
    [Number.NaN, '0'],
    [1, '1-10'],
    [10, '1-10'],
    [10.99, '1-10'],
    [11, '11-50'],
    [50, '11-50'],
    [51, '51-100'],
    [100, '51-100'],
    [101, '101-500'],
    [500, '101-500'],
    [501, '501-1000'],
    [1000, '501-1000'],
    [1001, '1001+'],
    [Number.POSITIVE_INFINITY, '1001+'],
  ])('%d -> %s', (n, expected) => {
    expect(bucket(n)).toBe(expected);
  });

  it('is monotonic over a wide range and only ever answers a listed bucket', () => {
    let last = 0;
    for (let n = -3; n <= 5000; n += 1) {
      const index = BUCKETS.indexOf(bucket(n));
      expect(index).toBeGreaterThanOrEqual(last);
      last = index;
    }
  });
});
