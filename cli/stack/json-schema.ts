import { z } from 'zod';
import { stackFileSchema, STACK_FILE_NAME } from './schema.js';

/** The JSON Schema editors use to complete and check the stack file (configs/telemetry-stack.schema.json). */
export function stackJsonSchema(): Record<string, unknown> {
  const schema = z.toJSONSchema(stackFileSchema, { io: 'input', target: 'draft-2020-12' }) as Record<string, unknown>;
  return {
    $schema: schema['$schema'],
    title: STACK_FILE_NAME,
    ...Object.fromEntries(Object.entries(schema).filter(([k]) => k !== '$schema')),
  };
}
