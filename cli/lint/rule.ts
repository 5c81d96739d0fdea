import type { CollectorDoc, Location } from './collector-doc.js';
import type { ComponentKnowledge } from './knowledge/components.js';

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
  /** The environment the Collector will run with (process env, overlaid by --env-file). */
  env: NodeJS.ProcessEnv;
}

/** Everything a rule may read: the merged config set, the environment and the component facts. */
export interface RuleInput {
  doc: CollectorDoc;
  env: NodeJS.ProcessEnv;
  knowledge: ComponentKnowledge;
}

/** What a rule reports: where (file and line from the doc), what, and optionally its own severity. */
export type RuleFinding = Location & { path: string; message: string; severity?: Severity };

export interface LintRule {
  id: string;
  severity: Severity;
  /** One sentence: what goes wrong at run time when this rule fires. */
  why: string;
  /** Findings take the rule's severity unless they set their own. */
  check(input: RuleInput): RuleFinding[];
}
