/**
 * The page every HTML report is: self-contained (no script, no outside resource; the CSP says so),
 * its own styles inline, charts as inline SVG.
 */
const CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:";

/** `title` must already be HTML-escaped; `body` is the page's parts, one per line. */
export function htmlPage(title: string, css: string, body: readonly string[]): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${CSP}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<link rel="icon" href="data:,">
<title>${title}</title>
<style>${css}</style>
</head>
<body>
${body.join('\n')}
</body>
</html>
`;
}
