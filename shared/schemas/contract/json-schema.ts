// zod schemas as JSON Schema, for the published contract: draft 2020-12 for the files under
// schemas/ (and the OpenAPI 3.1 document, whose dialect it is), draft 4 for the EventBridge schema
// registry, which takes OpenApi3 or JSONSchemaDraft4 and nothing newer.
import * as z from 'zod';

/** A JSON Schema node, as zod writes it and as the contract's documents hold it. */
export type JsonSchema = { [keyword: string]: unknown };

/**
 * The JSON Schema of what a sender may put on the wire (`io: 'input'`: an object's unknown keys
 * are allowed, as the parser strips them rather than refusing them). Every refinement states
 * its rule through `.meta()` (primitives.ts), so nothing is left unrepresentable: zod throws if
 * something is.
 */
export function jsonSchemaOf(schema: z.ZodType): JsonSchema {
  return z.toJSONSchema(schema, { target: 'draft-2020-12', io: 'input' }) as JsonSchema;
}

/** Keywords of drafts after 4 that `toDraft04` does not rewrite: a schema holding one fails. */
const NEWER_KEYWORDS = [
  '$defs',
  'prefixItems',
  'contains',
  'propertyNames',
  'dependentRequired',
  'dependentSchemas',
  'unevaluatedItems',
  'unevaluatedProperties',
  'exclusiveMinimum',
  'exclusiveMaximum',
  '$anchor',
  '$dynamicRef',
];

export const DRAFT_04 = 'http://json-schema.org/draft-04/schema#';

const isNode = (value: unknown): value is JsonSchema =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * A draft 2020-12 schema as draft 4 says it: `const` becomes a one-value `enum`, and
 * `if`/`then`/`else` becomes `anyOf` (if A then B is "not A, or B"). `format: date` stays: a
 * draft-4 validator ignores a format it does not know, and the `pattern` beside it decides.
 */
export function toDraft04(schema: JsonSchema): JsonSchema {
  const convert = (node: unknown, path: string): unknown => {
    if (Array.isArray(node)) return node.map((item, i) => convert(item, `${path}/${i}`));
    if (!isNode(node)) return node;
    const out: JsonSchema = {};
    const implied: JsonSchema[] = [];
    for (const [key, value] of Object.entries(node)) {
      if (NEWER_KEYWORDS.includes(key)) throw new Error(`${path}/${key}: no draft-04 form for ${key}`);
      // Names of properties are data, not keywords: only their schemas are converted.
      if (key === 'properties' && isNode(value)) {
        out[key] = Object.fromEntries(
          Object.entries(value).map(([name, child]) => [name, convert(child, `${path}/properties/${name}`)]),
        );
      } else if (key === 'const') out.enum = [value];
      else if (key === '$schema') out.$schema = DRAFT_04;
      else if (key === 'if' || key === 'then' || key === 'else') continue;
      else out[key] = convert(value, `${path}/${key}`);
    }
    if ('if' in node) {
      const condition = convert(node.if, `${path}/if`);
      if ('then' in node) implied.push({ anyOf: [{ not: condition }, convert(node.then, `${path}/then`)] });
      if ('else' in node) implied.push({ anyOf: [condition, convert(node.else, `${path}/else`)] });
    }
    if (implied.length > 0) out.allOf = [...((out.allOf as unknown[] | undefined) ?? []), ...implied];
    return out;
  };
  return convert(schema, '#') as JsonSchema;
}

/** Every keyword name used anywhere in `schema` (property names excluded), for tests and checks. */
export function keywordsOf(schema: unknown): Set<string> {
  const found = new Set<string>();
  const walk = (node: unknown): void => {
    if (Array.isArray(node)) node.forEach(walk);
    else if (isNode(node)) {
      for (const [key, value] of Object.entries(node)) {
        found.add(key);
        if (key === 'properties' && isNode(value)) Object.values(value).forEach(walk);
        else if (key !== 'enum' && key !== 'const' && key !== 'required') walk(value);
      }
    }
  };
  walk(schema);
  return found;
}
