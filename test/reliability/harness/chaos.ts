// npm run chaos: the reliability harness at full size (docs/reliability.md). Randomized
// streams for 1,000 customers against the oracle, 10,000 fuzzed hostile inputs, and 50
// concurrent handlers on 5 customers. Prints the counts; exits 1 if anything that must be zero
// is not, or the run did not exercise what it claims.

import { parseArgs } from 'node:util';
import fc from 'fast-check';
import { MAX_YEN_AMOUNT } from '#shared/domain/policy.ts';
import { boundaryEvents, boundaryInvalidCases } from './boundary-cases.ts';
import { type ConcurrencyReport, concurrencyCheck } from './concurrency.ts';
import { childProcess } from './environment.ts';
import { fuzzCase } from './fuzz-cases.ts';
import { type BoundaryReport, boundaryCheck, type FuzzReport, fuzzCheck } from './fuzz-run.ts';
import { boundaryFailures, boundaryTable, concurrencyTable, failures, fuzzTable, streamTables } from './report.ts';
import { streamCheck } from './stream-check.ts';

const { values } = parseArgs({
  options: {
    customers: { type: 'string', default: '1000' },
    fuzz: { type: 'string', default: '10000' },
    seed: { type: 'string' },
    'crash-rate': { type: 'string', default: '0.3' },
    oracle: { type: 'string', default: 'both' },
    'sweep-days': { type: 'string', default: '14' },
  },
});
const seed = values.seed === undefined ? Date.now() % 2 ** 31 : Number(values.seed);
const oracle = values.oracle as 'table' | 'engine' | 'both';
if (!['table', 'engine', 'both'].includes(oracle)) throw new Error('--oracle is table, engine or both');

const started = Date.now();
const elapsed = () => `${Math.round((Date.now() - started) / 1000)} s`;
const log = (line: string) => process.stderr.write(`[${elapsed()}] ${line}\n`);
log(`seed ${seed}: streams for ${values.customers} customers (oracle: ${oracle})`);

let fuzz: FuzzReport | undefined;
let boundary: { applied: BoundaryReport; refused: FuzzReport } | undefined;
const streams = await streamCheck(
  {
    seed,
    customers: Number(values.customers),
    sweepEveryDays: Number(values['sweep-days']),
    concurrency: 8,
    crashRate: Number(values['crash-rate']),
    oracle,
    environment: childProcess,
    progress: log,
  },
  async (env, report) => {
    log(`streams done; fuzzing ${values.fuzz} hostile inputs against the chaos run's table`);
    const cases = fc.sample(fuzzCase(report.timeline.events.map((e) => e.inJst)), {
      seed,
      numRuns: Number(values.fuzz),
    });
    fuzz = await fuzzCheck(env, cases);
    log('fuzz done; events at the edges of the contract, then each with one id or amount just outside');
    const events = boundaryEvents();
    const applied = await boundaryCheck(env, events);
    boundary = { applied, refused: await fuzzCheck(env, boundaryInvalidCases(events)) };
  },
);
log('fuzz done; 50 concurrent handlers on 5 customers');
const concurrency: ConcurrencyReport = await concurrencyCheck({
  seed,
  customers: 5,
  handlers: 50,
  environment: childProcess,
});

console.log(
  `npm run chaos -- --seed ${seed} --customers ${values.customers} --fuzz ${values.fuzz} --crash-rate ${values['crash-rate']} --oracle ${oracle} --sweep-days ${values['sweep-days']}`,
);
console.log(streamTables(streams));
if (fuzz) console.log(fuzzTable(fuzz));
if (boundary) console.log(boundaryTable(boundary.applied, boundary.refused));
console.log(concurrencyTable(concurrency));
const failed = [
  ...failures(streams, fuzz, concurrency),
  ...(boundary ? boundaryFailures(boundary.applied, boundary.refused, MAX_YEN_AMOUNT) : []),
];
console.log(failed.length === 0 ? `PASS in ${elapsed()}` : `FAIL in ${elapsed()}:\n  ${failed.join('\n  ')}`);
process.exitCode = failed.length === 0 ? 0 : 1;
