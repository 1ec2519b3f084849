// What the Lambda bundles get for `import … from 'node:console'` (infra/bundling.ts says why).
module.exports = process.getBuiltinModule('node:console');
