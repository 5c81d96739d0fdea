import { readFileSync } from 'node:fs';
import { packagePath } from './paths.js';

export const toolVersion: string = (JSON.parse(readFileSync(packagePath('package.json'), 'utf8')) as { version: string }).version;
