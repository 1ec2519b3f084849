// What the Lambda bundles get for `import … from 'node:events'` (infra/bundling.ts says why).
module.exports = process.getBuiltinModule('node:events');
