// What the Lambda bundles get for `import … from 'node:zlib'` (infra/bundling.ts says why).
module.exports = process.getBuiltinModule('node:zlib');
