import { UserError } from '../errors.js';
import type { Section } from '../query/ask.js';
import type { QueryFilters } from '../query/params.js';
import type { QueryResult, Row } from '../query/result.js';
import type { QuerySource } from '../query/source.js';
import { int, pct } from './format.js';

/**
 * Public aggregates: adoption per CLI and per verb, and installs by activity. Every figure counts
 * installs (distinct fingerprints) in groups of at least min_group; smaller groups never leave
 * the storage (the templates drop them), and nothing names a user or an install.
 */
export interface Insights {
  minGroup: number;
  range: { since: string; until: string };
  sections: { key: string; title: string; suppressedGroups: number; rows: Row[] }[];
}

export async function buildInsights(source: QuerySource, sections: readonly Section[], filters: QueryFilters): Promise<Insights> {
  if (source.backend !== 'clickhouse') throw new UserError('report insights: needs backend embedded or clickhouse; this stack stores into loki');
  const out: Insights['sections'] = [];
  for (const section of sections) {
    const result: QueryResult = await source.run(section.template, filters);
    const suppressed = Number(result.rows[0]?.['suppressed_groups'] ?? 0);
    out.push({
      key: section.key,
      title: section.title,
      suppressedGroups: suppressed,
      rows: result.rows.map((r) => Object.fromEntries(Object.entries(r).filter(([k]) => k !== 'suppressed_groups'))),
    });
  }
  return { minGroup: filters.minGroup, range: { since: filters.range.since.toISOString(), until: filters.range.until.toISOString() }, sections: out };
}

export function renderInsightsMarkdown(insights: Insights): string {
  const lines = [
    `# Usage insights`,
    '',
    `Range ${insights.range.since} .. ${insights.range.until} (UTC). Only groups of at least ${insights.minGroup} installs are shown; nothing here identifies a user or an install.`,
    '',
  ];
  for (const s of insights.sections) {
    lines.push(`## ${s.title}`, '');
    if (s.rows.length === 0) lines.push(`_no group reaches ${insights.minGroup} installs_`, '');
    else {
      const cols = Object.keys(s.rows[0]!);
      lines.push(`| ${cols.join(' | ')} |`, `| ${cols.map((c) => (typeof s.rows[0]![c] === 'number' ? '---:' : '---')).join(' | ')} |`);
      for (const r of s.rows)
        lines.push(`| ${cols.map((c) => (c === 'adoption' ? pct(Number(r[c])) : typeof r[c] === 'number' ? int(Number(r[c])) : String(r[c] ?? '').replace(/\|/g, '\\|'))).join(' | ')} |`);
      lines.push('');
    }
    if (s.suppressedGroups > 0) lines.push(`${s.suppressedGroups} smaller group${s.suppressedGroups === 1 ? '' : 's'} withheld.`, '');
  }
  return lines.join('\n').trimEnd() + '\n';
}
