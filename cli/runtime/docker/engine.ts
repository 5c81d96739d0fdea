/**
 * The narrow slice of the Docker Engine API the docker runtime uses. The runtime talks only to
 * this interface: unit tests give it a fake, integration tests the real engine (dockerode).
 * Everything here works against Engine API 1.41 (Docker 20.10).
 */
export interface ContainerCreate {
  name: string;
  image: string;
  cmd: string[];
  env: string[];
  labels: Record<string, string>;
  /** `volume:/target` and `/host/file:/target:ro` entries. */
  binds: string[];
  memoryBytes: number;
  healthcheck?: { test: string[]; intervalNs: number; timeoutNs: number; retries: number; startPeriodNs: number };
}

export interface ContainerInfo {
  id: string;
  name: string;
  labels: Record<string, string>;
  state: 'created' | 'running' | 'restarting' | 'exited' | 'paused' | 'dead' | 'removing';
  /** Container health when it has a healthcheck. */
  health?: 'starting' | 'healthy' | 'unhealthy';
  startedAt?: string;
  exitCode?: number;
}

export interface ContainerEngine {
  ping(): Promise<void>;
  /** API version the engine speaks, e.g. "1.41". */
  apiVersion(): Promise<string>;
  hasImage(image: string): Promise<boolean>;
  /** Pulls from the image's registry, reporting progress lines. */
  pullImage(image: string, progress: (line: string) => void): Promise<void>;
  ensureVolume(name: string, labels: Record<string, string>): Promise<'created' | 'exists'>;
  removeVolume(name: string): Promise<void>;
  listVolumes(labels: Record<string, string>): Promise<string[]>;
  /** Creates with host networking and restart policy unless-stopped; returns the id. */
  createContainer(spec: ContainerCreate): Promise<string>;
  startContainer(id: string): Promise<void>;
  inspectContainer(idOrName: string): Promise<ContainerInfo | undefined>;
  /** SIGTERM, then SIGKILL after `graceSeconds`. */
  stopContainer(id: string, graceSeconds: number): Promise<void>;
  removeContainer(id: string): Promise<void>;
  listContainers(labels: Record<string, string>): Promise<ContainerInfo[]>;
  logs(id: string, options: { follow: boolean; tail: number; write: (text: string) => void; signal?: AbortSignal }): Promise<void>;
}
