import { parseServerArgs } from './args.js';
import { startEmbeddedServer } from './embedded-server.js';
import { ensurePasswordFile } from './password-file.js';

/**
 * Process entry of the embedded store:
 *   node dist/cli/store/embedded/server.js --data-dir DIR --port N --password-file FILE
 * Prints one JSON line with "event":"ready" on stdout once it accepts queries, and one with
 * "event":"stopped" after SIGTERM/SIGINT has finished in-flight requests and closed the engine.
 * Problems are one line on stderr, prefixed `embedded-store:`.
 */

const log = (line: string): void => {
  process.stderr.write(`embedded-store: ${line}\n`);
};

async function main(): Promise<number> {
  const started = Date.now();
  const args = parseServerArgs(process.argv.slice(2));
  const { password, created } = ensurePasswordFile(args.passwordFile);
  const server = await startEmbeddedServer({ dataDir: args.dataDir, port: args.port, password, log });

  process.stdout.write(
    `${JSON.stringify({
      event: 'ready',
      url: server.url,
      port: server.port,
      pid: process.pid,
      dataDir: args.dataDir,
      passwordFile: args.passwordFile,
      passwordFileCreated: created,
      engine: `ClickHouse ${server.engine.info.version} (chdb ${server.engine.info.chdbVersion})`,
      startupMs: Date.now() - started,
    })}\n`,
  );

  return new Promise<number>((resolve) => {
    let signals = 0;
    const onSignal = (signal: NodeJS.Signals): void => {
      signals++;
      if (signals > 1) {
        // A second signal means "now": the engine's parts on disk are consistent at every
        // acknowledged insert, so only unacknowledged requests are lost.
        log(`${signal} again: exiting without waiting`);
        resolve(1);
        return;
      }
      server.stop().then(
        () => {
          process.stdout.write(`${JSON.stringify({ event: 'stopped', signal, pid: process.pid })}\n`);
          resolve(0);
        },
        (err: unknown) => {
          log(`stop failed: ${err instanceof Error ? err.message : String(err)}`);
          resolve(1);
        },
      );
    };
    process.on('SIGTERM', onSignal);
    process.on('SIGINT', onSignal);
  });
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    log(err instanceof Error ? err.message : String(err));
    process.exit(1);
  },
);
