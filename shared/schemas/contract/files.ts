// Every file of the published contract under schemas/, as `npm run contract` writes it and as
// test/unit/contract/ regenerates it to compare with what is checked in.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { ASYNCAPI_FILE, asyncApiDocument } from './asyncapi.ts';
import { CONTRACT_EVENTS, detailJsonSchema } from './events.ts';
import { FINANCE_OPENAPI_FILE, financeApiDocument } from './finance-api.ts';
import type { JsonSchema } from './json-schema.ts';

export const REPO_ROOT = path.resolve(import.meta.dirname, '../../..');
/** The folder the contract is written to, relative to the repository root; nothing else is in it. */
export const CONTRACT_DIR = 'schemas';

/** The documents' version: the package's. */
export function contractVersion(): string {
  const pkg = JSON.parse(readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8')) as { version?: unknown };
  if (typeof pkg.version !== 'string') throw new Error('package.json has no version');
  return pkg.version;
}

export interface ContractFile {
  /** Relative to the repository root, with `/`. */
  file: string;
  document: JsonSchema;
}

/** The contract's files: a JSON Schema per event, the AsyncAPI document of the bus, the finance API's OpenAPI. */
export function contractFiles(version = contractVersion()): ContractFile[] {
  return [
    ...CONTRACT_EVENTS.map((event) => ({ file: event.file, document: detailJsonSchema(event) })),
    { file: ASYNCAPI_FILE, document: asyncApiDocument(version) },
    { file: FINANCE_OPENAPI_FILE, document: financeApiDocument(version) },
  ];
}

/** A document as written before Biome formats it (the comparison ignores layout, not order). */
export const serialize = (document: JsonSchema): string => `${JSON.stringify(document, null, 2)}\n`;
