import { dockerAnswers } from '../../cli/runtime/select.js';
import { DockerodeEngine } from '../../cli/runtime/docker/dockerode-engine.js';
import { runCli } from './cli.js';

export const LOCAL_COLLECTOR_IMAGE = 'telemetry-stack/collector:local';

/**
 * The Docker tests need a running engine (.ci/run starts one with scripts/provision/docker.sh)
 * and the local images (built here from Go modules when missing). No engine is a failure, not a
 * skip: CI must never pass without having run them.
 */
export async function requireDockerWithImages(): Promise<{ engine: DockerodeEngine; images: { collector: string; loki: string } }> {
  if (!(await dockerAnswers(process.env, 5000))) {
    throw new Error('no Docker engine answers at /var/run/docker.sock; start one with: bash scripts/provision/docker.sh');
  }
  const engine = new DockerodeEngine();
  const build = await runCli(['images', 'build', '--json']);
  if (build.exitCode !== 0) throw new Error(`telemetry-stack images build failed:\n${build.stderr}`);
  const images = JSON.parse(build.stdout) as { collector: string; loki: string };
  return { engine, images };
}
