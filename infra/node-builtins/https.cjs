// What the Lambda bundles get for `import … from 'node:https'` (infra/bundling.ts says why).
module.exports = process.getBuiltinModule('node:https');
