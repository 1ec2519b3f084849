// What the Lambda bundles get for `import … from 'node:process'` (infra/bundling.ts says why).
module.exports = process.getBuiltinModule('node:process');
