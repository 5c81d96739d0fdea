import type { SchemaObject } from '../../cli/schema/desired.js';

/** Every statement a desired schema would run: the creates it defines and its ALTERs, in order. */
export const schemaStatements = (objects: readonly SchemaObject[]): string[] => objects.flatMap((o) => (o.kind === 'statement' ? [o.statement] : o.create === undefined ? [] : [o.create]));
