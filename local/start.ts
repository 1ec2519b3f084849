// `npm start`: the local stack on http://127.0.0.1:$PORT with its data in $BILLING_DATA_DIR,
// until SIGINT or SIGTERM, which stop it without losing an accepted event.
import { startLocalStack } from './stack.ts';

const stamp = () => new Date().toISOString();
const stack = await startLocalStack({ schedules: true, log: (line) => console.log(`${stamp()} ${line}`) }).catch(
  (error: unknown) => {
    const message = error instanceof Error ? error.message : String(error);
    console.error(`could not start the local stack: ${message}`);
    if (/EADDRINUSE/.test(message))
      console.error('the port is taken: stop the other process or set PORT, e.g. PORT=3001 npm start');
    process.exit(1);
  },
);

// The stop handlers go in before the start-up line: whoever waits for that line to send a
// signal (an operator, tsx relaying it, a test) must find them installed.
let stopping = false;
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    if (stopping) return;
    stopping = true;
    console.log(`${signal}: stopping (finishing the batches in flight, keeping the rest queued)…`);
    stack.close().then(
      () => process.exit(0),
      (error: unknown) => {
        console.error(`stopped with an error: ${error instanceof Error ? error.message : String(error)}`);
        process.exit(1);
      },
    );
  });
}

console.log(`device-supply-billing local stack on ${stack.url}  (data: ${stack.dataDir ?? 'in memory'})`);
console.log(`  events:   PutEvents on POST ${stack.url}/  (bus device-supply)`);
console.log(
  `  finance:  ${stack.url}/customers/{customerId}/statements · ${stack.url}/reports/{YYYY-MM} · statement page ${stack.url}/`,
);
console.log(
  `  admin:    ${stack.url}/admin/{clock,close,sweep,drain,counts,validate,dead-letters,waiting,redrive,events}`,
);
console.log('Ctrl-C stops it; queued events are kept for the next start.');
