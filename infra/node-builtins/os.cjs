// What the Lambda bundles get for `import … from 'node:os'` (infra/bundling.ts says why).
module.exports = process.getBuiltinModule('node:os');
