import { join } from 'node:path';
import type { ContainerSpec } from '../../render/containers.js';
import type { Stack } from '../../stack/resolve.js';
import { homeOf } from '../../home/layout.js';
import type { ContainerCreate } from './engine.js';

/** Container create options from a spec: `${NAME}` env references resolved, files bound read-only. */
export function toCreate(stack: Stack, spec: ContainerSpec, env: NodeJS.ProcessEnv): ContainerCreate {
  const resolved = Object.entries(spec.env).map(([k, v]) => `${k}=${v.replace(/\$\{([A-Za-z_][A-Za-z0-9_]*)\}/g, (_, name: string) => env[name] ?? '')}`);
  const hc = spec.healthcheck;
  const second = 1_000_000_000;
  return {
    name: spec.name,
    image: spec.image,
    cmd: spec.command,
    env: resolved,
    labels: spec.labels,
    binds: [...spec.volumes.map((v) => `${v.volume}:${v.target}`), ...spec.files.map((f) => `${join(homeOf(stack.dataDir).composeDir, ...f.source.split('/'))}:${f.target}:ro`)],
    memoryBytes: spec.memoryLimitMiB * 1024 * 1024,
    ...(hc
      ? { healthcheck: { test: hc.test, intervalNs: hc.intervalSeconds * second, timeoutNs: hc.timeoutSeconds * second, retries: hc.retries, startPeriodNs: hc.startPeriodSeconds * second } }
      : {}),
  };
}
