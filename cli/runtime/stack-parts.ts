import { UserError } from '../errors.js';
import { describeHolder, portInUse } from '../net/port-holder.js';
import type { Stack } from '../stack/resolve.js';
import { embeddedNativePort, runsChdbServer, storageEndpoint } from '../stack/storage-endpoint.js';
import { httpOk, NotReadyError, waitFor, type WaitStrategy } from './readiness.js';
import type { ComponentStatus } from './runtime.js';

/** What both runtimes share: readiness of each part and the ports each takes. */
export const READY_TIMEOUT_MS = 60_000;

export function collectorPorts(stack: Stack): number[] {
  const r = stack.receivers;
  return [...(r.grpc.enabled ? [r.grpc.port] : []), ...(r.http.enabled ? [r.http.port] : []), stack.collector.healthPort, stack.collector.metricsPort];
}

export function collectorReady(stack: Stack): WaitStrategy {
  const port = stack.collector.healthPort;
  return httpOk(`collector health_check on 127.0.0.1:${port}`, `http://127.0.0.1:${port}/`, READY_TIMEOUT_MS);
}

/** Ports of the storage this stack runs; none for storage the user brings. */
export function storagePorts(stack: Stack): number[] {
  if (storageEndpoint(stack).external) return [];
  if (stack.backend === 'loki') return [stack.loki.port];
  return runsChdbServer(stack) ? [stack.clickhouse.port, embeddedNativePort(stack.clickhouse)] : [stack.clickhouse.port];
}

export function storageReady(stack: Stack, timeoutMs = READY_TIMEOUT_MS): WaitStrategy {
  const { url, label } = storageEndpoint(stack);
  if (stack.backend === 'loki') return httpOk(`${label} /ready`, `${url}/ready`, timeoutMs);
  return httpOk(`${stack.backend === 'embedded' ? 'embedded ' : ''}${label} /ping`, `${url}/ping`, timeoutMs);
}

/**
 * Storage the user brings must answer before the Collector starts: a wrong address is one line
 * naming the key to fix, not a Collector retrying forever into nowhere.
 */
export async function requireExternalStorage(stack: Stack, timeoutMs = 15_000): Promise<void> {
  const key = stack.backend === 'loki' ? 'loki.url' : 'clickhouse.url';
  try {
    await waitFor(storageReady(stack, timeoutMs));
  } catch (e) {
    if (!(e instanceof NotReadyError)) throw e;
    throw new UserError(`${e.message}; check ${key} in the stack file and that the server is running`);
  }
}

/** status of storage the user brings: answering or not, never a pid or a container. */
export async function externalStorageStatus(stack: Stack): Promise<ComponentStatus> {
  const { label } = storageEndpoint(stack);
  const component = stack.backend === 'loki' ? 'loki' : 'clickhouse';
  try {
    await storageReady(stack, 0).probe();
    return { component, state: 'running', ports: [], detail: `yours: ${label}` };
  } catch (e) {
    return { component, state: 'unhealthy', ports: [], detail: `yours: ${label} does not answer (${(e as Error).message})` };
  }
}

/** Refuses to start over a busy port, naming who holds it. */
export async function requirePortsFree(component: string, ports: readonly number[]): Promise<void> {
  for (const port of ports) {
    if (await portInUse(port)) throw new UserError(`${component}: ${describeHolder(port)}; stop it or change the port in the stack file`);
  }
}
