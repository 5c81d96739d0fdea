/** Number formats shared by the markdown and HTML reports. */

export const usd = (n: number): string => '$' + n.toFixed(n !== 0 && Math.abs(n) < 0.01 ? 4 : 2);
export const int = (n: number): string => Math.round(n).toLocaleString('en-US');
export const pct = (n: number | null | undefined): string => (n === null || n === undefined ? '-' : (n * 100).toFixed(1) + '%');
export const ratio = (n: number | null | undefined): string => (n === null || n === undefined ? '-' : n.toFixed(2));

/** Stored user ids are 64-hex keyed hashes: 16 characters tell them apart in a report. */
export function shortUser(user: string): string {
  return /^[0-9a-f]{64}$/.test(user) ? user.slice(0, 16) + '…' : user;
}
