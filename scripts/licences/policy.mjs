// What may be compiled, bundled or shipped: the licence policy and its one check, pure.
//
// A package is a { ecosystem, name, version, licence } record, where `licence` is an SPDX id or
// expression as the package declares it (npm) or as the classifier reads its licence file (Go).

/** Open-source licences that let the project ship what it builds, with or without changes. */
export const ALLOWED = new Set(['Apache-2.0', 'MIT', 'MIT-0', 'BSD-2-Clause', 'BSD-3-Clause', 'ISC', 'MPL-2.0', '0BSD', 'CC0-1.0', 'Unlicense', 'BlueOak-1.0.0', 'Zlib', 'Python-2.0']);

/**
 * Licences that are never shipped, named so the failure says why: strong copyleft (the GPL family,
 * the AGPL) and source-available terms that are not open source (SSPL, BUSL, Elastic, Commons Clause).
 */
const REFUSED = /^(A?GPL|LGPL|SSPL|BUSL|Elastic|Commons-Clause)/i;

/** The SPDX ids an expression allows, or why it is refused. */
export function licenceVerdict(expression) {
  const text = String(expression ?? '').trim();
  if (text === '' || /^unknown$/i.test(text) || /^UNLICENSED$/.test(text)) return { ok: false, reason: `licence ${text || 'missing'} is not an open-source licence we can ship` };
  // license-checker marks a licence it guessed from a file (not the package's own field) with `*`.
  const clean = text.replace(/\*$/, '').replace(/^\((.*)\)$/, '$1');
  const alternatives = clean.split(/\s+OR\s+/i);
  for (const alternative of alternatives) {
    const all = alternative
      .replace(/^\((.*)\)$/, '$1')
      .split(/\s+AND\s+/i)
      .map((id) => id.replace(/^\(|\)$/g, '').trim());
    if (all.every((id) => ALLOWED.has(id))) return { ok: true };
  }
  const refused = clean.split(/\s+(?:OR|AND)\s+/i).find((id) => REFUSED.test(id.replace(/^\(/, '')));
  return { ok: false, reason: `licence ${text} is ${refused ? 'copyleft or not open source' : 'not on the allow-list'}` };
}

/**
 * Every package whose licence is not allowed, as one line each: ecosystem, name, version,
 * licence, and where the allow-list lives. An override (a reviewed reading of a licence file the
 * classifier cannot name) replaces the licence for that exact name and version.
 */
export function licenceFailures(packages, overrides = []) {
  const failures = [];
  for (const p of packages) {
    const override = overrides.find((o) => o.ecosystem === p.ecosystem && o.version === p.version && (o.name === p.name || p.name.startsWith(`${o.name}/`)));
    const licence = override ? override.licence : p.licence;
    const verdict = licenceVerdict(licence);
    if (!verdict.ok) failures.push(`${p.ecosystem} ${p.name}@${p.version}: ${verdict.reason} (allow-list: scripts/licences/policy.mjs)`);
  }
  return failures;
}

/**
 * Modules the project refuses whatever their licence says today: the package policy of the
 * machines it is built on marks them not-to-use (AGPL-licensed Grafana Loki, Grafana and Tempo).
 */
export const REFUSED_MODULES = [/^github\.com\/grafana\/(loki|grafana|tempo)(\/|$)/];

export function refusedModuleFailures(packages) {
  return packages
    .filter((p) => REFUSED_MODULES.some((re) => re.test(p.name)))
    .map((p) => `${p.ecosystem} ${p.name}@${p.version}: refused by policy (AGPL-licensed; never built or shipped: Loki, Grafana and Tempo are backends users bring)`);
}

/**
 * Images the stack's files name but this project never builds, runs or ships: AGPL-licensed
 * Grafana and Loki, pulled by the user's own Docker engine (Loki when runtime docker runs one, Grafana
 * through the compose file's grafana profile). None is on this project's machines or in its
 * packages; the gate says so for each, and refuses a Dockerfile of ours that starts FROM one.
 */
export const USER_DOWNLOADED_IMAGE = /^grafana\/(grafana|loki|tempo)(:|$)/;

/** One line per pinned AGPL image: what it is and that it is the user's own download. */
export function userDownloadNotes(pins) {
  return Object.entries(pins.images)
    .filter(([, image]) => USER_DOWNLOADED_IMAGE.test(image))
    .map(([key, image]) => `${image} (images.${key}, AGPL-licensed): the user's own download, pulled by the user's Docker engine; never run, built or shipped by this project, nor on its machines`);
}

/** Dockerfiles of ours that start FROM an AGPL image: it would be built into what we ship. */
export function dockerfileFailures(dockerfiles) {
  return dockerfiles.flatMap(({ path, text }) =>
    [...text.matchAll(/^\s*FROM\s+(\S+)/gim)]
      .filter((m) => USER_DOWNLOADED_IMAGE.test(m[1]))
      .map((m) => `${path}: FROM ${m[1]} builds an AGPL image into what we ship; it must stay the user's download`),
  );
}
