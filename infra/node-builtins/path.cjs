// What the Lambda bundles get for `import … from 'node:path'` (infra/bundling.ts says why).
module.exports = process.getBuiltinModule('node:path');
