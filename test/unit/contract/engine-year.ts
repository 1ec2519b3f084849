// The example year (examples/fiscal-year-2026.ndjson) run through the pure engine, as the cloud
// lives it: each month's events, then the sweep and the close of the 1st. What the contract tests
// hold the published schemas to: the events sent, and what the pipeline publishes and bills.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import {
  addMonths,
  type BookStep,
  CustomerBook,
  closeTimeOf,
  type EmittedEvent,
  jstMonth,
  type LedgerEntry,
  type Statement,
} from '#shared/domain/index.ts';
import { fingerprintOf } from '#shared/fingerprint.ts';
import { REPO_ROOT } from '#shared/schemas/contract/files.ts';
import { type InboundEvent, parseInboundEvent } from '#shared/schemas/inbound.ts';
import { FIRST_MONTH, LAST_MONTH } from '#test/support/example-year.ts';

export interface ExampleEvent {
  /** `file:line`, for a failure message. */
  origin: string;
  source: unknown;
  detailType: unknown;
  detail: unknown;
}

/** Every event of every examples/*.ndjson file, as written (EventBridge form: source, detail-type, detail). */
export function exampleEvents(): ExampleEvent[] {
  const dir = path.join(REPO_ROOT, 'examples');
  return readdirSync(dir)
    .filter((name) => name.endsWith('.ndjson'))
    .sort()
    .flatMap((name) =>
      readFileSync(path.join(dir, name), 'utf8')
        .split('\n')
        .flatMap((line, index) => {
          if (line.trim() === '') return [];
          const event = JSON.parse(line) as Record<string, unknown>;
          return [
            {
              origin: `examples/${name}:${index + 1}`,
              source: event.source,
              detailType: event['detail-type'],
              detail: typeof event.detail === 'string' ? JSON.parse(event.detail) : event.detail,
            },
          ];
        }),
    );
}

export interface EngineYear {
  emitted: EmittedEvent[];
  statements: Statement[];
  entries: LedgerEntry[];
}

/** The example year through the engine: what it publishes, the statements it closes, the entries it bills. */
export function engineYear(): EngineYear {
  const events: InboundEvent[] = exampleEvents()
    .filter((e) => e.origin.startsWith('examples/fiscal-year-2026.ndjson'))
    .map((e) => {
      const parsed = parseInboundEvent(String(e.detailType), e.detail);
      if (!parsed.ok) throw new Error(`${e.origin} is malformed: ${JSON.stringify(parsed)}`);
      return parsed.event;
    });
  const lives = new Map<string, BookStep[]>();
  for (let month = FIRST_MONTH; month <= LAST_MONTH; month = addMonths(month, 1)) {
    for (const event of events.filter((e) => jstMonth(e.detail.occurredAt) === month)) {
      const { customerId } = event.detail;
      lives.set(customerId, [...(lives.get(customerId) ?? []), { event }]);
    }
    const at = closeTimeOf(month);
    for (const steps of lives.values()) steps.push({ sweep: at }, { close: month, at });
  }
  const year: EngineYear = { emitted: [], statements: [], entries: [] };
  for (const [customerId, steps] of lives) {
    new CustomerBook(customerId).replay(steps, {
      fingerprint: fingerprintOf,
      onStep: (_, { effects }) => {
        year.emitted.push(...effects.emitted);
        year.statements.push(...effects.statements);
        year.entries.push(...effects.entries);
      },
    });
  }
  return year;
}
