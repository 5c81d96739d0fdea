import { parseArgs } from 'node:util';
import { resolve } from 'node:path';

export interface ServerArgs {
  dataDir: string;
  port: number;
  passwordFile: string;
}

export const DEFAULT_PORT = 8123;

export const USAGE =
  'usage: node dist/cli/store/embedded/server.js --data-dir DIR --password-file FILE [--port N (default 8123, 0 = any free port)]';

/** Parses the server's command line; throws an Error whose message is one line ending in the usage. */
export function parseServerArgs(argv: readonly string[]): ServerArgs {
  let values: { 'data-dir'?: string; port?: string; 'password-file'?: string };
  try {
    ({ values } = parseArgs({
      args: [...argv],
      options: {
        'data-dir': { type: 'string' },
        port: { type: 'string' },
        'password-file': { type: 'string' },
      },
      strict: true,
      allowPositionals: false,
    }));
  } catch (err) {
    throw new Error(`${(err as Error).message}; ${USAGE}`);
  }
  const dataDir = values['data-dir'];
  if (!dataDir) throw new Error(`--data-dir is required; ${USAGE}`);
  const passwordFile = values['password-file'];
  if (!passwordFile) throw new Error(`--password-file is required; ${USAGE}`);
  const portText = values.port ?? String(DEFAULT_PORT);
  const port = Number(portText);
  if (!/^\d+$/.test(portText) || port > 65535) throw new Error(`--port must be an integer 0..65535, got '${portText}'; ${USAGE}`);
  return { dataDir: resolve(dataDir), port, passwordFile: resolve(passwordFile) };
}
