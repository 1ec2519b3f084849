// What the Lambda bundles get for `import … from 'node:stream'` (infra/bundling.ts says why).
module.exports = process.getBuiltinModule('node:stream');
