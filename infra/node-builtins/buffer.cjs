// What the Lambda bundles get for `import … from 'node:buffer'` (infra/bundling.ts says why).
module.exports = process.getBuiltinModule('node:buffer');
