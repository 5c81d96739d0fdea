import { existsSync } from 'node:fs';
import { request } from 'node:http';
import type { Stack } from '../stack/resolve.js';
import type { RuntimeKind } from './runtime.js';

export interface RuntimeChoice {
  kind: RuntimeKind;
  /** One line: which runtime and why, printed by `up`. */
  reason: string;
}

/** Where the Docker engine's API socket is: DOCKER_HOST (unix:// only) or the default path. */
export function dockerSocketPath(env: NodeJS.ProcessEnv): string | undefined {
  const host = env['DOCKER_HOST'];
  if (host) return host.startsWith('unix://') ? host.slice('unix://'.length) : undefined;
  return '/var/run/docker.sock';
}

/** True when a Docker engine answers /_ping on its unix socket within the timeout. */
export function dockerAnswers(env: NodeJS.ProcessEnv, timeoutMs = 1500): Promise<boolean> {
  const socketPath = dockerSocketPath(env);
  if (!socketPath || !existsSync(socketPath)) return Promise.resolve(false);
  return new Promise((resolve) => {
    const req = request({ socketPath, path: '/_ping', timeout: timeoutMs }, (res) => {
      res.resume();
      resolve(res.statusCode === 200);
    });
    req.on('timeout', () => req.destroy());
    req.on('error', () => resolve(false));
    req.end();
  });
}

export async function chooseRuntime(stack: Stack, env: NodeJS.ProcessEnv): Promise<RuntimeChoice> {
  if (stack.runtime === 'process') return { kind: 'process', reason: 'runtime: process (set in the stack file)' };
  if (stack.runtime === 'docker') return { kind: 'docker', reason: 'runtime: docker (set in the stack file)' };
  if (stack.backend === 'embedded') return { kind: 'process', reason: 'runtime auto: process, because the embedded backend runs as a local process' };
  if (await dockerAnswers(env)) return { kind: 'docker', reason: `runtime auto: docker, because a Docker engine answers at ${dockerSocketPath(env)}` };
  return { kind: 'process', reason: `runtime auto: process, because no Docker engine answers at ${dockerSocketPath(env) ?? env['DOCKER_HOST']}` };
}
