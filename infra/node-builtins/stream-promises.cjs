// What the Lambda bundles get for `import … from 'node:stream/promises'` (infra/bundling.ts says why).
module.exports = process.getBuiltinModule('node:stream/promises');
