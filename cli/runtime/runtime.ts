import type { Stack } from '../stack/resolve.js';

export type RuntimeKind = 'docker' | 'process';

export interface ComponentStatus {
  component: string;
  state: 'running' | 'stopped' | 'unhealthy';
  /** pid (process runtime) or container id (docker runtime). */
  id?: string;
  ports: number[];
  uptimeSeconds?: number;
  detail?: string;
  /** Process runtime: times the supervisor started the part again, and how it last ended. */
  restarts?: number;
  lastExit?: string;
}

export interface UpResult {
  runtime: RuntimeKind;
  /** Components started now; the others were already running. */
  started: string[];
  alreadyRunning: string[];
  seconds: number;
  notes: string[];
}

export interface DownResult {
  stopped: { component: string; how: string }[];
}

/** What `up`, `down`, `status` and `logs` need from a runtime; docker and process implement it. */
export interface Runtime {
  kind: RuntimeKind;
  up(progress: (line: string) => void): Promise<UpResult>;
  down(options: { volumes: boolean }): Promise<DownResult>;
  status(): Promise<ComponentStatus[]>;
  /** Path of a component's log, or a stream of it (docker). */
  logs(component: string, options: { follow: boolean; lines: number; write: (text: string) => void; signal?: AbortSignal }): Promise<void>;
}

export interface RuntimeContext {
  stack: Stack;
  env: NodeJS.ProcessEnv;
}
