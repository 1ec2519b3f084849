// `npm start`: the local stack. Until it is built (its own piece of work) this says what exists.
console.log(
  [
    'device-supply-billing: the billing engine and the pipeline handlers are in place and tested (npm test).',
    'The local stack that will serve them (event bus, queues, finance API on http://127.0.0.1:3000)',
    'is not built yet; README.md says what runs today.',
  ].join('\n'),
);
