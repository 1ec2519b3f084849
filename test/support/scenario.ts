// Test support: builders for well-formed inbound events (every one checked against the
// contract's schemas) and a small driver that runs one customer's aggregate through the
// pure engine, keeping the ledger, statements and emitted events it produced.
import {
  type CustomerState,
  closeMonth,
  closeTimeOf,
  type DecisionOutcome,
  decideInMemory,
  type Effects,
  type EmittedEvent,
  emptyCustomerState,
  type JournalRecord,
  type LedgerEntry,
  type Snapshot,
  type Statement,
  sweepDeadlines,
} from '#shared/domain/index.ts';
import { fingerprintOf } from '#shared/fingerprint.ts';
import { type InboundEvent, parseInboundEvent } from '#shared/schemas/inbound.ts';

let counter = 0;
const nextId = (prefix: string): string => `${prefix}-${++counter}`;

/** A JST timestamp for a date (and optional time) written the way most senders will. */
export const jst = (date: string, time = '12:00'): string => `${date}T${time}:00+09:00`;

export interface DeviceSpec {
  deviceId: string;
  condition?: 'new' | 'used';
  priceYen?: number;
  months?: number; // installments; absent → lump sum
  protectionFeeYen?: number;
  lineWarrantyOption?: boolean;
  model?: string;
}

type Common = { eventId?: string; customerId?: string; occurredAt: string };

export function event(detailType: string, detail: Record<string, unknown> & Common): InboundEvent {
  const full = { eventId: nextId('evt'), customerId: 'C1', ...detail };
  const parsed = parseInboundEvent(detailType, full);
  if (!parsed.ok) throw new Error(`test built a malformed ${detailType}: ${JSON.stringify(parsed)}`);
  return parsed.event;
}

/** A claim on D1 for water damage on the day it is filed, at noon JST, unless `extra` says otherwise. */
export function claimFiled(
  customerId: string,
  claimId: string,
  filedOn: string,
  extra: Record<string, unknown> = {},
): InboundEvent {
  return event('ClaimFiled', {
    customerId,
    occurredAt: jst(filedOn),
    claimId,
    deviceId: 'D1',
    cause: 'water_damage',
    incidentDate: filedOn,
    ...extra,
  });
}

export function orderPlaced(
  occurredAt: string,
  devices: DeviceSpec[],
  opts: { orderId?: string; birthDate?: string; paymentMethod?: string; customerId?: string; eventId?: string } = {},
): InboundEvent {
  return event('OrderPlaced', {
    occurredAt,
    ...(opts.customerId ? { customerId: opts.customerId } : {}),
    ...(opts.eventId ? { eventId: opts.eventId } : {}),
    orderId: opts.orderId ?? nextId('order'),
    customer: { birthDate: opts.birthDate ?? '1990-04-01' },
    paymentMethod: opts.paymentMethod ?? 'credit_card',
    devices: devices.map((d) => ({
      deviceId: d.deviceId,
      model: d.model ?? 'Pixel 9',
      condition: d.condition ?? 'new',
      priceYen: d.priceYen ?? 39_800,
      payment: d.months ? { plan: 'installments', months: d.months } : { plan: 'lump_sum' },
      ...(d.protectionFeeYen ? { protection: { monthlyFeeYen: d.protectionFeeYen } } : {}),
      ...(d.lineWarrantyOption !== undefined ? { lineWarrantyOption: d.lineWarrantyOption } : {}),
    })),
  });
}

export class Customer {
  state: CustomerState;
  /** Every ledger entry ever written, in order. */
  ledger: LedgerEntry[] = [];
  statements: Statement[] = [];
  emitted: EmittedEvent[] = [];
  outcomes: DecisionOutcome[] = [];

  constructor(
    readonly customerId = 'C1',
    closedThrough?: string,
  ) {
    this.state = emptyCustomerState(customerId, closedThrough);
  }

  /** The customer's journal, as the store keeps it (for events that arrive before others). */
  journal = new Map<string, JournalRecord>();
  /** The latest checkpoint's snapshot, as the store keeps it. */
  snapshot: Snapshot | undefined;

  private keep(effects: Effects): void {
    this.ledger.push(...effects.entries);
    this.statements.push(...effects.statements);
    this.emitted.push(...effects.emitted);
    for (const r of effects.journal ?? []) this.journal.set(r.event.detail.eventId, r);
    for (const x of effects.expired ?? []) this.journal.delete(x.record.event.detail.eventId);
    if (effects.checkpoint) this.snapshot = effects.checkpoint;
  }

  /** Applies an event and returns its outcome (with the customer's history when it needs it). */
  send(evt: InboundEvent, receivedAt?: string): DecisionOutcome {
    // As ingest does: from the checkpoint when it lets the event, else from the first event.
    const decision = decideInMemory(this.state, evt, fingerprintOf(evt), receivedAt, {
      journal: () => [...this.journal.values()],
      billed: () => this.ledger,
      snapshot: this.snapshot,
    });
    this.state = decision.state;
    this.keep(decision.effects);
    this.outcomes.push(decision.outcome);
    return decision.outcome;
  }

  /** An operator's redrive of a dead letter: sent again, its outcome not counted among the events'. */
  redrive(evt: InboundEvent, at: string): DecisionOutcome {
    const outcome = this.send(evt, at);
    this.outcomes.pop();
    return outcome;
  }

  /** Shorthand: builds the event for this customer and applies it. */
  on(detailType: string, detail: Record<string, unknown> & Common): DecisionOutcome {
    return this.send(event(detailType, { customerId: this.customerId, ...detail }));
  }

  order(occurredAt: string, devices: DeviceSpec[], opts: Parameters<typeof orderPlaced>[2] = {}): DecisionOutcome {
    return this.send(orderPlaced(occurredAt, devices, { customerId: this.customerId, ...opts }));
  }

  close(month: string, now?: string): Statement | undefined {
    const result = closeMonth(this.state, month, now ?? closeTimeFor(month));
    this.state = result.state;
    this.keep(result.effects);
    return result.effects.statements.find((s) => s.month === month);
  }

  sweep(asOf: string): Effects {
    const result = sweepDeadlines(this.state, asOf);
    this.state = result.state;
    this.keep(result.effects);
    return result.effects;
  }

  statement(month: string): Statement | undefined {
    return this.statements.find((s) => s.month === month);
  }

  entriesOf(kind: string): LedgerEntry[] {
    return this.ledger.filter((e) => e.kind === kind);
  }

  emittedOf<K extends EmittedEvent['detailType']>(detailType: K): Extract<EmittedEvent, { detailType: K }>[] {
    return this.emitted.filter((e): e is Extract<EmittedEvent, { detailType: K }> => e.detailType === detailType);
  }
}

/** The moment the scheduled close of `month` runs: the domain's `closeTimeOf` (1st of the next month, 01:00 JST). */
export const closeTimeFor = closeTimeOf;

/** Sum of amounts of a set of entries or lines. */
export const sumYen = (items: readonly { amountYen: number }[]): number => items.reduce((s, i) => s + i.amountYen, 0);
