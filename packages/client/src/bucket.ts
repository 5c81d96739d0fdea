// Sizes (users, projects, rows) are reported as ranges, not numbers: an exact count can single out one
// installation, a range cannot, and ranges are what the questions need ("how big are our instances").
//
// Edges: 0 | 1-10 | 11-50 | 51-100 | 101-500 | 501-1000 | 1001+. Each edge value belongs to the lower
// range, so "501-1000" includes 1000 and the open range is written "1001+" to say exactly where it starts.
// Fractions are floored; negatives, NaN and other non-numbers land in "0" because a size cannot be below it.

export const BUCKETS = ['0', '1-10', '11-50', '51-100', '101-500', '501-1000', '1001+'] as const;
export type Bucket = (typeof BUCKETS)[number];

export function bucket(n: number): Bucket {
  const v = typeof n === 'number' ? Math.floor(n) : Number.NaN;
  if (!(v >= 1)) return '0';
  if (v <= 10) return '1-10';
  if (v <= 50) return '11-50';
  if (v <= 100) return '51-100';
  if (v <= 500) return '101-500';
  if (v <= 1000) return '501-1000';
  return '1001+';
}
