// The npm packages a `telemetry-stack` install brings (production dependencies only), with the
// licence each declares and its licence text, read by license-checker-rseidelsohn.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { init } from 'license-checker-rseidelsohn';

/** @returns {Promise<{ecosystem: 'npm', name: string, version: string, licence: string, texts: string[]}[]>} */
export function collectNpm(start) {
  const root = JSON.parse(readFileSync(join(start, 'package.json'), 'utf8'));
  // The package itself and its workspace packages (the client) are ours, licensed in their own package.json.
  const ours = new Set([root.name, ...(root.workspaces ?? []).map((dir) => JSON.parse(readFileSync(join(start, dir, 'package.json'), 'utf8')).name)]);
  return new Promise((resolve, reject) => {
    init({ start, production: true }, (error, found) => {
      if (error) return reject(error);
      const packages = [];
      for (const [id, info] of Object.entries(found)) {
        const at = id.lastIndexOf('@');
        const name = id.slice(0, at);
        const version = id.slice(at + 1);
        if (ours.has(name)) continue;
        const licence = Array.isArray(info.licenses) ? info.licenses.join(' OR ') : String(info.licenses ?? '');
        packages.push({ ecosystem: 'npm', name, version, licence, texts: licenceTexts(info.licenseFile, info.path) });
      }
      resolve(packages.sort((a, b) => a.name.localeCompare(b.name) || a.version.localeCompare(b.version)));
    });
  });
}

/** The licence file license-checker found, and a NOTICE beside it (Apache-2.0 asks to pass it on). */
function licenceTexts(licenseFile, path) {
  const texts = [];
  // license-checker falls back to a README when there is no licence file; that is not a licence text.
  if (licenseFile && existsSync(licenseFile) && !/readme/i.test(licenseFile)) texts.push(readFileSync(licenseFile, 'utf8'));
  const notice = join(path ?? dirname(licenseFile ?? ''), 'NOTICE');
  if (path && existsSync(notice)) texts.push(readFileSync(notice, 'utf8'));
  return texts;
}
