import { join } from 'node:path';

/**
 * Where each thing lives in a stack's data directory: the one place the layout is spelled out.
 * Every other module asks here for a path, so a file never moves for one reader and not another,
 * and data directories written by earlier versions keep working as long as these names stay.
 *
 * Pure string functions, no disk: renderers write some of these paths into the configs they
 * return (the queue, the generated TLS files) and must stay free of file system access.
 */

/** The receivers' generated TLS material (`receivers.tls.generate`). */
export interface ReceiverTlsFiles {
  /** The local CA clients trust. */
  caFile: string;
  /** Kept beside the CA so a new server certificate keeps the trust clients already have. */
  caKeyFile: string;
  certFile: string;
  keyFile: string;
}

export interface Home {
  dataDir: string;
  /** Written by `up`: the stack that owns the directory (name and stack file). */
  ownerFile: string;
  /** Keeps collected telemetry out of git when the directory sits inside a repository. */
  gitignoreFile: string;
  /** The rendered bundle `up` writes (Collector config, rollups, compose files). */
  configDir: string;
  collectorConfigFile: string;
  /** The compose files inside the rendered bundle, bind-mounted into containers by the Docker runtime. */
  composeDir: string;
  /** Generated secrets, one 0600 file each, in a 0700 directory. */
  secretsDir: string;
  /** The writer's password: the Collector's, and the embedded engine's writer user. */
  clickhousePasswordFile: string;
  /** The chdb-server launcher's read-only user (query, usage, report, verify). */
  clickhouseReaderPasswordFile: string;
  /** The key user ids are hashed with (privacy.userId.mode hmac). */
  hmacKeyFile: string;
  tlsDir: string;
  tls: ReceiverTlsFiles;
  /** Run records of the process runtime, the supervisor's state and the lock. */
  runDir: string;
  /** One `up` or `down` at a time in this directory. */
  lockFile: string;
  supervisorStateFile: string;
  logsDir: string;
  supervisorLogFile: string;
  /** The Collector's persistent sending queue (file_storage) on the process runtime. */
  queueDir: string;
  /**
   * The embedded engine's data. Its engine/ subdirectory is where the earlier node:http front
   * kept the data: an existing stack keeps it.
   */
  engineDir: string;
  /** The record (pid, command, ports, fingerprint) of a process the process runtime started. */
  recordFile(component: string): string;
  /** The output of a process the process runtime started, appended across restarts. */
  logFile(component: string): string;
}

export function homeOf(dataDir: string): Home {
  const configDir = join(dataDir, 'config');
  const secretsDir = join(dataDir, 'secrets');
  const tlsDir = join(dataDir, 'tls');
  const runDir = join(dataDir, 'run');
  const logsDir = join(dataDir, 'logs');
  return {
    dataDir,
    ownerFile: join(dataDir, '.telemetry-stack'),
    gitignoreFile: join(dataDir, '.gitignore'),
    configDir,
    collectorConfigFile: join(configDir, 'collector.yaml'),
    composeDir: join(configDir, 'compose'),
    secretsDir,
    clickhousePasswordFile: join(secretsDir, 'clickhouse-password'),
    clickhouseReaderPasswordFile: join(secretsDir, 'clickhouse-reader-password'),
    hmacKeyFile: join(secretsDir, 'hmac-key'),
    tlsDir,
    tls: { caFile: join(tlsDir, 'ca.pem'), caKeyFile: join(tlsDir, 'ca-key.pem'), certFile: join(tlsDir, 'cert.pem'), keyFile: join(tlsDir, 'key.pem') },
    runDir,
    lockFile: join(runDir, 'lock'),
    supervisorStateFile: join(runDir, 'supervisor.json'),
    logsDir,
    supervisorLogFile: join(logsDir, 'supervisor.log'),
    queueDir: join(dataDir, 'queue'),
    engineDir: join(dataDir, 'clickhouse'),
    recordFile: (component) => join(runDir, `${component}.json`),
    logFile: (component) => join(logsDir, `${component}.log`),
  };
}
