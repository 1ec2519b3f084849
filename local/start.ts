// `npm start`: the local stack. Until the local-stack issue lands it only says what exists.
console.log(
  [
    'device-supply-billing: the billing engine (shared/domain) is in place and tested (npm test).',
    'The local stack (event bus, handlers, finance API on http://127.0.0.1:3000) is not built yet;',
    'see README.md for what runs today.',
  ].join('\n'),
);
