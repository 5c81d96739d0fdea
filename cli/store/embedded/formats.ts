/** Content-Type for an output format, following what ClickHouse's HTTP interface sends. */
export function contentTypeFor(format: string): string {
  const f = format.toLowerCase();
  if (f.startsWith('tabseparated') || f.startsWith('tsv')) return 'text/tab-separated-values; charset=UTF-8';
  if (f.startsWith('csv')) return 'text/csv; charset=UTF-8';
  if (/eachrow|^ndjson$|^jsonlines$|^jsonl$/.test(f)) return 'application/x-ndjson; charset=UTF-8';
  if (f.startsWith('json')) return 'application/json; charset=UTF-8';
  if (f.startsWith('pretty') || f === 'vertical' || f === 'markdown' || f === 'values' || f === 'raw' || f.startsWith('linesasstring'))
    return 'text/plain; charset=UTF-8';
  if (f === 'xml') return 'application/xml; charset=UTF-8';
  return 'application/octet-stream';
}
