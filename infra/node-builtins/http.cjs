// What the Lambda bundles get for `import … from 'node:http'` (infra/bundling.ts says why).
module.exports = process.getBuiltinModule('node:http');
