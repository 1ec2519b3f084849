// `npm run contract`: writes the published contract under schemas/ from the zod schemas, removes
// what is no longer part of it, and formats the files with Biome as `npm run lint` wants them.
// test/unit/contract/ fails until this is run after a schema changes.
import { execFileSync } from 'node:child_process';
import { mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { CONTRACT_DIR, contractFiles, REPO_ROOT, serialize } from './files.ts';

function filesUnder(dir: string): string[] {
  let entries: string[];
  try {
    entries = readdirSync(dir, { recursive: true, encoding: 'utf8' });
  } catch {
    return [];
  }
  return entries.map((entry) => path.join(dir, entry)).filter((file) => file.endsWith('.json'));
}

const files = contractFiles();
const wanted = new Set(files.map(({ file }) => path.join(REPO_ROOT, file)));
for (const stale of filesUnder(path.join(REPO_ROOT, CONTRACT_DIR)).filter((file) => !wanted.has(file))) {
  rmSync(stale);
  console.log(`removed ${path.relative(REPO_ROOT, stale)}`);
}
for (const { file, document } of files) {
  const target = path.join(REPO_ROOT, file);
  mkdirSync(path.dirname(target), { recursive: true });
  writeFileSync(target, serialize(document));
}
execFileSync(
  process.execPath,
  [path.join(REPO_ROOT, 'node_modules/@biomejs/biome/bin/biome'), 'format', '--write', ...wanted],
  { cwd: REPO_ROOT, stdio: ['ignore', 'ignore', 'inherit'] },
);
console.log(`wrote ${files.length} files under ${CONTRACT_DIR}/`);
