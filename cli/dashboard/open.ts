import { spawn } from 'node:child_process';

/** Hands a URL to the desktop's opener; a machine without one gets a line saying so, not a failure. */
export function openBrowser(url: string): void {
  const [cmd, args] = process.platform === 'darwin' ? ['open', [url]] : process.platform === 'win32' ? ['cmd', ['/c', 'start', '', url]] : ['xdg-open', [url]];
  const child = spawn(cmd, args, { detached: true, stdio: 'ignore' });
  child.on('error', () => process.stderr.write(`dashboard: could not start ${cmd}; open ${url.replace(/\?token=.*$/, '')} yourself\n`));
  child.unref();
}
