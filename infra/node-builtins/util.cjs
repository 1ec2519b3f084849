// What the Lambda bundles get for `import … from 'node:util'` (infra/bundling.ts says why).
module.exports = process.getBuiltinModule('node:util');
