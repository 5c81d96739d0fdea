import { UserError } from '../errors.js';
import { ProcessRuntime } from './process/process-runtime.js';
import type { Runtime, RuntimeContext, RuntimeKind } from './runtime.js';

export async function createRuntime(kind: RuntimeKind, ctx: RuntimeContext): Promise<Runtime> {
  if (kind === 'process') return new ProcessRuntime(ctx);
  throw new UserError('runtime docker: not available yet in this version; set runtime: process (backend embedded or loki)');
}
