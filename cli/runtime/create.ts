import { ProcessRuntime } from './process/process-runtime.js';
import type { Runtime, RuntimeContext, RuntimeKind } from './runtime.js';
import { dockerSocketPath } from './select.js';

export async function createRuntime(kind: RuntimeKind, ctx: RuntimeContext): Promise<Runtime> {
  if (kind === 'process') return new ProcessRuntime(ctx);
  // dockerode is loaded only when the docker runtime is used.
  const [{ DockerRuntime }, { DockerodeEngine }] = await Promise.all([import('./docker/docker-runtime.js'), import('./docker/dockerode-engine.js')]);
  return new DockerRuntime(ctx, new DockerodeEngine(dockerSocketPath(ctx.env)));
}
