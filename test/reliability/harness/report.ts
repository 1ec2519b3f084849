// The counts of a reliability run as tables, and the verdict: what must be zero is zero, and
// the run exercised what it claims (every crash step hit, duplicates sent, every fuzz kind).
import Table from 'cli-table3';
import type { ConcurrencyReport } from './concurrency.ts';
import { CRASH_POINTS, CRASH_SITES, type CrashCounts } from './crash.ts';
import { unexercised } from './exercised.ts';
import type { BoundaryReport, FuzzReport } from './fuzz-run.ts';
import type { StreamCheckReport } from './stream-check.ts';

// Plain characters and no colours, so that the output can be pasted into docs as it is.
const table = (head: string[]) =>
  new Table({
    head,
    style: { head: [], border: [] },
    chars: { mid: '', 'left-mid': '', 'mid-mid': '', 'right-mid': '' },
  });
const sum = (values: Record<string, number>) => Object.values(values).reduce((a, b) => a + b, 0);
const allCrashes = (c: CrashCounts) => CRASH_SITES.reduce((n, site) => n + sum(c[site]), 0);

export function streamTables(r: StreamCheckReport): string {
  const counts = table(['streams (chaos run vs oracle)', 'count', 'goal']);
  counts.push(
    ['streams tried (customers)', r.customers, ''],
    ['events', r.timeline.events.length, ''],
    ['deliveries', r.chaos.deliveries, ''],
    ['duplicate deliveries (copies of a recorded event)', r.chaos.duplicates, '> 0'],
    ['deliveries after a later event of their customer (business order)', r.chaos.outOfOrder, '> 0'],
    ['events held back past a sweep (never past a close)', r.chaos.heldBack, '> 0'],
    ['events written at another offset than +09:00', r.rewrittenOffsets, '> 0'],
    ['crashes injected', allCrashes(r.chaos.crashes), '> 0 at every step'],
    ['records redelivered after a crash', r.chaos.crashRedeliveries, ''],
    ['deliveries recorded as waiting for what they name', r.chaos.waiting, ''],
    ['dead letters redriven', r.chaos.redriven, ''],
    ['version conflicts retried', r.chaos.versionConflicts, ''],
    ['events published again (same eventId)', r.republished, ''],
    ['months closed, sweeps run', `${r.timeline.months.length}, ${r.chaos.barriers - r.timeline.months.length}`, ''],
    ['handler errors', r.chaos.handlerErrors.length, '0'],
    ['mismatches (customers whose business-month nets, decisions or events differ)', r.mismatches.length, '0'],
    ['lost events', r.lost.length, '0'],
  );
  if (r.oracleDisagreements)
    counts.push(['oracle in a table vs on the engine: customers differing', r.oracleDisagreements.length, '0']);
  const crashes = table(['crash injected at', ...CRASH_SITES.map((site) => `in ${site}`)]);
  for (const point of CRASH_POINTS) crashes.push([point, ...CRASH_SITES.map((site) => r.chaos.crashes[site][point])]);
  const x = r.exercised;
  const rules = table(['exercised (oracle)', 'count', 'goal']);
  for (const [kind, n] of Object.entries(x.entryKinds)) rules.push([`entries ${kind}`, n, '> 0']);
  for (const [kind, n] of Object.entries(x.penaltyKinds)) rules.push([`PenaltyAssessed ${kind}`, n, '> 0']);
  for (const [basis, n] of Object.entries(x.claimBases)) rules.push([`claims accepted, basis ${basis}`, n, '> 0']);
  for (const [type, n] of Object.entries(x.unapplied))
    rules.push([`left unapplied (waiting or dead letters): ${type}`, n, '']);
  return `${counts.toString()}\n${crashes.toString()}\n${rules.toString()}`;
}

export function fuzzTable(r: FuzzReport): string {
  const kinds = table(['fuzzed input', 'inputs', 'dead-lettered', 'reason names the field']);
  for (const [kind, k] of Object.entries(r.byKind)) kinds.push([kind, k.inputs, k.deadLettered, k.fieldNamed]);
  kinds.push(['total', r.inputs, r.deadLettered, r.fieldNamed]);
  const outcome = table(['fuzz outcome', 'count', 'goal']);
  outcome.push(
    ['records a handler failed (crashed)', r.handlerCrashes, '0'],
    ['items changed outside the dead letters', r.tableChanged ? 'changed' : 0, '0'],
    ['prototype polluted', r.prototypePolluted ? 'yes' : 'no', 'no'],
  );
  return `${kinds.toString()}\n${outcome.toString()}`;
}

/** The contract's edges: valid boundary events applied, their just-invalid copies dead-lettered. */
export function boundaryTable(b: BoundaryReport, f: FuzzReport): string {
  const t = table(['contract boundaries', 'count', 'goal']);
  t.push(
    ['valid events at the edges (longest ids of ! and ~, 1 and 10,000,000 yen)', b.inputs, ''],
    ['processed', b.processed, String(b.inputs)],
    ['failed or dead-lettered', b.handlerCrashes + b.deadLettered.length, '0'],
    ['largest entry written (yen)', b.largestEntryYen, '10000000'],
    ['copies with one id or amount just outside its bound', f.inputs, ''],
    ['dead-lettered, reason naming the field', f.fieldNamed, String(f.inputs)],
    ['items changed outside the dead letters', f.tableChanged ? 'changed' : 0, '0'],
  );
  return t.toString();
}

export function boundaryFailures(b: BoundaryReport, f: FuzzReport, maxYen: number): string[] {
  const out: string[] = [];
  if (b.handlerCrashes > 0) out.push(`${b.handlerCrashes} valid boundary events failed in the handler`);
  out.push(...b.deadLettered.map((reason) => `valid boundary event dead-lettered: ${reason}`));
  if (b.largestEntryYen !== maxYen) out.push(`the largest boundary entry is ${b.largestEntryYen} yen, not ${maxYen}`);
  if (f.fieldNamed < f.inputs)
    out.push(
      ...f.misnamed.map(
        (m) => `boundary ${m.kind}: reason does not name ${m.field}: ${m.reason ?? '(no dead letter)'}`,
      ),
    );
  if (f.handlerCrashes > 0) out.push(`${f.handlerCrashes} just-invalid boundary records failed in the handler`);
  if (f.tableChanged) out.push('just-invalid boundary events changed items other than dead letters');
  return out;
}

export function concurrencyTable(r: ConcurrencyReport): string {
  const t = table(['concurrency', 'count', 'goal']);
  t.push(
    ['concurrent handler invocations', r.handlers, '50'],
    ['customers', r.customers, ''],
    ['events', r.events, ''],
    ['deliveries (1–3 copies each, retries)', r.deliveries, ''],
    ['waves', r.waves, ''],
    ['version conflicts retried', r.versionConflicts, ''],
    ['customers serial-equivalent', `${r.serialEquivalent} / ${r.customers}`, 'all'],
    ['lost events', r.lost.length, '0'],
  );
  return t.toString();
}

/** Everything that makes the run fail, in words; empty when it passes. */
export function failures(
  s: StreamCheckReport | undefined,
  f: FuzzReport | undefined,
  c: ConcurrencyReport | undefined,
): string[] {
  const out: string[] = [];
  if (s) {
    out.push(...s.mismatches.slice(0, 10).map((m) => `mismatch ${m.customerId}: ${m.difference}`));
    if (s.mismatches.length > 10) out.push(`… and ${s.mismatches.length - 10} more mismatches`);
    if (s.lost.length > 0) out.push(`lost events: ${s.lost.slice(0, 20).join(' ')}`);
    out.push(...s.chaos.handlerErrors.slice(0, 10).map((e) => `handler error: ${e}`));
    out.push(...(s.oracle?.handlerErrors ?? []).slice(0, 10).map((e) => `handler error in the oracle run: ${e}`));
    out.push(
      ...(s.oracleDisagreements ?? [])
        .slice(0, 10)
        .map((m) => `the two oracles disagree on ${m.customerId}: ${m.difference}`),
    );
    // Sweeps commit only for a customer with a deadline due, so not every step is reached there.
    for (const site of ['ingest', 'close'] as const)
      for (const point of CRASH_POINTS)
        if (s.chaos.crashes[site][point] === 0) out.push(`no crash was injected at ${point} in ${site}`);
    if (s.chaos.duplicates === 0) out.push('no duplicate was delivered');
    if (s.chaos.outOfOrder === 0) out.push('no event was delivered after a later one of its customer');
    if (s.chaos.heldBack === 0) out.push('no event was held back past a sweep');
    out.push(...unexercised(s.exercised));
  }
  if (f) {
    if (f.deadLettered < f.inputs) out.push(`${f.inputs - f.deadLettered} fuzzed inputs were not dead-lettered`);
    if (f.fieldNamed < f.inputs)
      out.push(
        ...f.misnamed.map((m) => `fuzz ${m.kind}: reason does not name ${m.field}: ${m.reason ?? '(no dead letter)'}`),
      );
    if (f.handlerCrashes > 0) out.push(`${f.handlerCrashes} fuzzed records failed in the handler`);
    if (f.tableChanged) out.push('fuzzed inputs changed items other than dead letters');
    if (f.prototypePolluted) out.push('Object.prototype was polluted');
    for (const [kind, k] of Object.entries(f.byKind)) if (k.inputs === 0) out.push(`no fuzzed input of kind ${kind}`);
  }
  if (c) {
    out.push(...c.differences.map((d) => `not serial-equivalent ${d.customerId}: ${d.difference}`));
    if (c.lost.length > 0) out.push(`lost under concurrency: ${c.lost.join(' ')}`);
  }
  return out;
}
