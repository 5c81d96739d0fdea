import { join } from 'node:path';
import { execa } from 'execa';
import { dockerAnswers } from '../../cli/runtime/select.js';
import { DockerodeEngine } from '../../cli/runtime/docker/dockerode-engine.js';
import { runCli } from './cli.js';
import { testCollectorBinary } from './collector.js';
import { ensureLauncher } from '../../cli/store/embedded/launcher-build.js';

const PROVISION = join(import.meta.dirname, '..', '..', 'scripts', 'provision');

export interface DockerForTests {
  engine: DockerodeEngine;
  /** Tags of the local images `images build` made: the Collector and the chdb-server storage image. */
  images: { collector: string; chdbServer: string };
  /** Stops the engine if this call started it; leaves one that was already running alone. */
  release(): Promise<void>;
}

/**
 * The Docker tests need an engine and the local images (the Collector, the chdb-server storage image). When no engine answers, this
 * starts one as `npm test` runs (Debian's docker.io, installed when missing; no bridge, no
 * iptables; scripts/provision/docker.sh) and stops it again in release(), so the README's test
 * command passes on a fresh machine with nothing started by hand. Not being able to start one
 * is a failure, not a skip: a green run must have run these tests.
 */
export async function requireDockerWithImages(): Promise<DockerForTests> {
  let started = false;
  if (!(await dockerAnswers(process.env, 5000))) {
    if (process.getuid?.() !== 0) throw new Error('no Docker engine answers at /var/run/docker.sock, and starting one needs root: run bash scripts/provision/docker.sh as root');
    const r = await execa('bash', [join(PROVISION, 'docker.sh')], { reject: false, timeout: 900_000 });
    if (r.exitCode !== 0) throw new Error(`scripts/provision/docker.sh could not start a Docker engine: ${String(r.stderr).trim().split('\n').pop() ?? ''}`);
    started = true;
  }
  const engine = new DockerodeEngine();
  const release = async () => {
    if (started) await execa('bash', [join(PROVISION, 'docker-stop.sh')], { reject: false, timeout: 120_000 });
  };
  // The builds can take minutes on a cold cache, longer than one CLI call is given.
  await testCollectorBinary();
  await ensureLauncher();
  const build = await runCli(['images', 'build', '--json']);
  if (build.exitCode !== 0) {
    await release();
    throw new Error(`telemetry-stack images build failed:\n${build.stderr}`);
  }
  return { engine, images: JSON.parse(build.stdout) as DockerForTests['images'], release };
}
