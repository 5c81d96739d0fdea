/**
 * Errors a person can cause carry everything needed for one line: where (file, line, path) and
 * what to do. The single top-level handler in main.ts prints them without a stack trace; any
 * other error is a bug and is printed with its stack and a request to report it.
 */
export class UserError extends Error {
  constructor(
    message: string,
    /** Extra lines printed after the first (e.g. every problem in a stack file). */
    readonly details: readonly string[] = [],
    readonly exitCode: number = 1,
  ) {
    super(message);
    this.name = 'UserError';
  }
}

/** Bad command-line usage: exit 2, like commander's own usage errors. */
export class UsageError extends UserError {
  constructor(message: string) {
    super(message, [], 2);
    this.name = 'UsageError';
  }
}

/** One located problem in a file, printed as `file:line: path: message`. */
export interface Problem {
  file: string;
  line?: number;
  column?: number;
  /** Dot path inside the document, e.g. `privacy.userId.mode`; empty for the whole file. */
  path: string;
  message: string;
  severity: 'error' | 'warning';
}

export function formatProblem(p: Problem): string {
  const where = p.line === undefined ? p.file : `${p.file}:${p.line}`;
  const path = p.path === '' ? '' : `${p.path}: `;
  const tag = p.severity === 'warning' ? 'warning: ' : '';
  return `${where}: ${tag}${path}${p.message}`;
}
