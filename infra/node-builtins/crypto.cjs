// What the Lambda bundles get for `import … from 'node:crypto'` (infra/bundling.ts says why).
module.exports = process.getBuiltinModule('node:crypto');
