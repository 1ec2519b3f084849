// The contract under schemas/ is what `npm run contract` generates now from the zod schemas: a
// schema changed without regenerating (or a checked-in file edited by hand) fails here, with the
// file named. Layout is Biome's business (npm run lint); content and key order are compared.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { CONTRACT_DIR, contractFiles, REPO_ROOT } from '#shared/schemas/contract/files.ts';

const generated = contractFiles();
const checkedIn = readdirSync(path.join(REPO_ROOT, CONTRACT_DIR), { recursive: true, encoding: 'utf8' })
  .map((entry) => path.posix.join(CONTRACT_DIR, entry.split(path.sep).join('/')))
  .filter((file) => file.endsWith('.json'))
  .sort();

const REGENERATE = 'run `npm run contract` and check in the result';

describe('schemas/ (npm run contract)', () => {
  it('holds exactly the files the script writes: a schema per event, the AsyncAPI and OpenAPI documents', () => {
    expect(checkedIn, REGENERATE).toEqual(generated.map(({ file }) => file).sort());
    expect(generated).toHaveLength(14 + 4 + 2);
  });

  it.each(generated.map(({ file, document }) => [file, document] as const))('%s is up to date', (file, document) => {
    const text = readFileSync(path.join(REPO_ROOT, file), 'utf8');
    // Re-serialized, so that the key order counts and Biome's line breaks do not.
    expect(JSON.stringify(JSON.parse(text)), `${file} differs from what the zod schemas generate: ${REGENERATE}`).toBe(
      JSON.stringify(document),
    );
  });

  it('is written by `npm run contract`', () => {
    const pkg = JSON.parse(readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8')) as {
      scripts: Record<string, string>;
    };
    expect(pkg.scripts.contract).toBe('tsx shared/schemas/contract/write.ts');
  });
});
