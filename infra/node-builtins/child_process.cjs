// What the Lambda bundles get for `import … from 'node:child_process'` (infra/bundling.ts says why).
module.exports = process.getBuiltinModule('node:child_process');
