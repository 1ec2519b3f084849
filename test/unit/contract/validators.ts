// JSON Schema validators for the contract tests: Ajv, a validator that knows nothing of zod, as
// an upstream team would use it. Ajv's 2020-12 class for the files under schemas/ and the OpenAPI
// document; its draft-07 class for the registry's draft-4 forms, whose keywords (no `const`, no
// `if`) mean the same in both drafts.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { Ajv, type ValidateFunction } from 'ajv';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { REPO_ROOT } from '#shared/schemas/contract/files.ts';
import type { JsonSchema } from '#shared/schemas/contract/json-schema.ts';

/**
 * RFC 3339 full-date, checked through the platform's calendar rather than the contract's code:
 * the day must exist (2026-02-30 does not).
 */
function isFullDate(value: string): boolean {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
  if (!m) return false;
  const [year, month, day] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const date = new Date(0);
  date.setUTCFullYear(year, month - 1, day);
  return date.getUTCFullYear() === year && date.getUTCMonth() === month - 1 && date.getUTCDate() === day;
}

const formats = { date: isFullDate };

/**
 * Strict, as Ajv is by default and more: an unknown keyword or format fails a schema's compilation.
 * Not `strictRequired` or `strictTypes`, which only ask a conditional's `required` names and types
 * to be repeated beside it (Ajv's default leaves both off).
 */
const options = { strict: true, strictRequired: false, strictTypes: false, allErrors: true, formats } as const;
export const ajv2020 = new Ajv2020(options);
export const ajvDraft07 = new Ajv(options);

export const readJson = (file: string): JsonSchema =>
  JSON.parse(readFileSync(path.join(REPO_ROOT, file), 'utf8')) as JsonSchema;

const compiled = new Map<string, ValidateFunction>();

/** The validator of a checked-in JSON Schema file (relative to the repository root). */
export function validatorOf(file: string): ValidateFunction {
  let validate = compiled.get(file);
  if (!validate) {
    validate = ajv2020.compile(readJson(file));
    compiled.set(file, validate);
  }
  return validate;
}

/** Ajv's errors as one line each, for a failure message. */
export const errorsOf = (validate: ValidateFunction): string =>
  (validate.errors ?? []).map((e) => `${e.instancePath || '(root)'} ${e.message ?? ''}`).join('; ');
