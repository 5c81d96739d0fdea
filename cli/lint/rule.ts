import type { CollectorDoc } from './collector-doc.js';

export type Severity = 'error' | 'warning';

export interface Finding {
  rule: string;
  severity: Severity;
  file: string;
  line: number;
  /** Dot path of the offending key, e.g. `service.pipelines.logs.processors`. */
  path: string;
  message: string;
}

export interface LintContext {
  env: NodeJS.ProcessEnv;
}

/** What a rule reports; the runner adds rule id, file and (unless set) severity. */
export type RuleFinding = Omit<Finding, 'rule' | 'severity' | 'file'> & { severity?: Severity };

export interface LintRule {
  id: string;
  severity: Severity;
  /** One sentence: what goes wrong at run time when this rule fires. */
  why: string;
  /** Findings take the rule's severity unless they set their own. */
  check(doc: CollectorDoc, ctx: LintContext): RuleFinding[];
}
