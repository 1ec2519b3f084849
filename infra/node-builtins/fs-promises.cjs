// What the Lambda bundles get for `import … from 'node:fs/promises'` (infra/bundling.ts says why).
module.exports = process.getBuiltinModule('node:fs/promises');
