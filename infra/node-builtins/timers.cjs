// What the Lambda bundles get for `import … from 'node:timers'` (infra/bundling.ts says why).
module.exports = process.getBuiltinModule('node:timers');
