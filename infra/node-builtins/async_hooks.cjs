// What the Lambda bundles get for `import … from 'node:async_hooks'` (infra/bundling.ts says why).
module.exports = process.getBuiltinModule('node:async_hooks');
