// The per-customer aggregate and what the engine produces from it. The aggregate holds the
// facts the rules need (business dates, not processing times) plus the ledger entries of
// months not yet closed; closed months live on as immutable statements outside it.

import type {
  ClaimRejectionReason,
  OrderRejectionCode,
  OutboundDetailOf,
  OutboundDetailType,
} from '../schemas/outbound.ts';
import type { JournalRecord, WaitingEvent } from './business-order.ts';
import type { CalendarDate, Month } from './calendar.ts';

import type { EntryKind, TaxClass } from './kinds.ts';

export { ENTRY_KINDS, type EntryKind, TAX_CLASSES, type TaxClass } from './kinds.ts';

export interface LedgerEntry {
  /** Deterministic: the same obligation always gets the same id, so writes are idempotent. */
  entryId: string;
  customerId: string;
  deviceId: string;
  claimId?: string;
  kind: EntryKind;
  taxClass: TaxClass;
  /** Integer yen, tax included; negative for a credit. */
  amountYen: number;
  /** The statement month the entry is on: the first open month on or after its business month. */
  billingMonth: Month;
  /** Set when the business month was already closed: the month the entry belongs to. */
  forMonth?: Month;
  /** The business date that caused the entry. */
  businessDate: CalendarDate;
  description: string;
  /** The entry a credit corrects. */
  reverses?: string;
  installment?: { number: number; of: number };
  proration?: { activeDays: number; daysInMonth: number };
  useNumber?: number;
  /** The inbound eventId, or `close:YYYY-MM` / `deadline:YYYY-MM-DD` for time-driven entries. */
  causedBy: string;
}

export type PaymentPlan = { plan: 'lump_sum' } | { plan: 'installments'; months: number };

export interface ProtectionState {
  monthlyFeeYen: number;
  /** Last month whose fee is on the ledger; fees are billed month by month from the start. */
  billedThrough?: Month;
  cancellation?: { requestedAt: string; requestedMonth: Month; finalMonth: Month };
}

export interface DeviceState {
  deviceId: string;
  orderId: string;
  model: string;
  condition: 'new' | 'used';
  priceYen: number;
  payment: PaymentPlan;
  /** Usage start: the JST date of DeviceDelivered, and the instant, to order it against other events. */
  deliveredOn?: CalendarDate;
  deliveredAt?: string;
  /** How many scheduled payments (installments, or the one lump sum) are on the ledger. */
  paymentsBilled: number;
  payoff?: { requestedAt: string; requestedMonth: Month; billed: boolean };
  /** Incremented each time a void reverses the device's charges (see `deviceEntryId`). */
  billingRound?: number;
  protection?: ProtectionState;
}

export interface OrderState {
  orderId: string;
  status: 'active' | 'voided' | 'rejected';
  placedOn: CalendarDate;
  /** The OrderPlaced event (named by a rejection and by its revisions). */
  placedBy?: string;
  /** The §1 codes of a rejected order. */
  reasons?: OrderRejectionCode[];
  deviceIds: string[];
  voided?: { at: string; reason: string };
}

export type ClaimBasis = 'protection' | 'guarantee' | 'follow_up';

/** The two loaner deadlines of §5: L+14 after the loaner, R+14 after the repaired device. */
export type LoanerDeadline = 'loaner' | 'repair';

export interface LoanerChargeState {
  entryId: string;
  deadline: LoanerDeadline;
  reversed: boolean;
}

export interface ClaimState {
  claimId: string;
  deviceId: string;
  filedAt: string;
  filedOn: CalendarDate;
  incidentDate: CalendarDate;
  cause: string;
  followUpOf?: string;
  /** Set when the claim was free and filed in the follow-up window of `followUpOf` (§4), as known at its filing. */
  freeFollowUpOf?: string;
  decision: 'accepted' | 'rejected';
  reason?: ClaimRejectionReason;
  /** What an accepted claim rests on (§4): the protection option, the used-device guarantee, or a free follow-up. */
  basis?: ClaimBasis;
  /** 1 or 2 for a counted use; absent for a free claim or a rejection. */
  useNumber?: number;
  feeYen: number;
  feeEntryId?: string;
  withdrawnAt?: string;
  /** Logistics facts, as JST dates of their occurredAt. */
  replacementDeliveredOn?: CalendarDate;
  /** The value of the replacement handset sent (`deviceValueYen`), billed if a re-exchange does not bring it back. */
  replacementValueYen?: number;
  /**
   * Set on a used device's free follow-up exchange once its replacement is delivered (§5): the
   * earlier claim whose replacement must come back within REEXCHANGE_RETURN_DAYS, and its value.
   * Such a claim has no 14-day penalty.
   */
  reexchange?: { of: string; valueYen: number };
  deviceReturnedOn?: CalendarDate;
  loanerDeliveredOn?: CalendarDate;
  loanerValueYen?: number;
  faultyReceivedOn?: CalendarDate;
  repairedDeliveredOn?: CalendarDate;
  loanerReturnedOn?: CalendarDate;
  /** First delivery of anything for this claim (replacement, repaired device or loaner). */
  firstDeliveryAt?: string;
  penalty?: { entryId: string; reversed: boolean };
  /** The re-exchange charge, once assessed (§5). */
  reexchangeCharge?: { entryId: string; reversed: boolean };
  loanerCharges?: LoanerChargeState[];
  /** The loaner's repair, billed once per claim on LoanerDamaged (§5). */
  loanerRepair?: { entryId: string; damagedOn: CalendarDate; costYen: number };
  /** Bumped when a re-derivation credits one of the claim's charges, so a charge billed again gets a new id. */
  billingRound?: number;
}

export interface CustomerState {
  customerId: string;
  /** Bumped by every change; the store commits with a conditional write on it. */
  version: number;
  /** The last month closed for this customer; entries for it or earlier go to a later month. */
  closedThrough?: Month;
  orders: Record<string, OrderState>;
  devices: Record<string, DeviceState>;
  claims: Record<string, ClaimState>;
  /** eventId → fingerprint of its detail, for idempotency and EVENT_ID_REUSED. */
  processed: Record<string, string>;
  /**
   * The version at which the store last handed `processed` to the event registry and emptied
   * it (the store's bound on the aggregate; the rules never read it).
   */
  forgottenAt?: number;
  /** Ledger entries of months not yet closed (also written out as ledger items). */
  openEntries: LedgerEntry[];
  /**
   * The greatest business-order key of the events applied or refused (§0; waiting events do
   * not count: what one waits for may come before it and still be applied as it arrives).
   */
  lastKey?: string;
  /** Set by every step of an event since the journal exists (an aggregate without it is older). */
  journaled?: boolean;
  /**
   * The latest journal records, not yet written as their own items: kept here until the store
   * writes them out in one batch (`customer-step.ts`), so that an event costs no write of its own.
   */
  journalTail?: JournalRecord[];
  /** Events in the journal that name an order, device or claim not known yet (§0: they wait here). */
  waiting?: WaitingEvent[];
  /** Published decisions: id → `revision:hash` of the detail last published under it. */
  published?: Record<string, string>;
  /** The latest JST date whose deadlines a sweep assessed for this customer. */
  sweptThrough?: CalendarDate;
  /** Set once a re-derivation wrote corrections: reversals then always re-derive (ids may differ). */
  corrected?: boolean;
  /**
   * The checkpoint a re-derivation may start from (`checkpoint.ts`): the customer derived from
   * its events before `month`, kept as a snapshot whose content hashes to `hash`.
   */
  checkpoint?: { month: Month; hash: string };
  /**
   * Set on an aggregate that had events before the journal existed (an earlier version of the
   * pipeline): it cannot be derived again, so its events keep being applied as they arrive.
   */
  journalIncomplete?: boolean;
}

/**
 * The detail of an emitted event as the contract's schema types it (`shared/schemas/outbound.ts`),
 * so that `tsc` checks every emitter against the contract. A decision's `revision` is given by
 * `stampRevisions` (`decisions.ts`), so the rules emit decisions without one.
 */
export type EmittedDetail<K extends OutboundDetailType> = K extends 'StatementClosed'
  ? OutboundDetailOf<K>
  : Omit<OutboundDetailOf<K>, 'revision'> & { revision?: number };

export type EmittedEvent = {
  [K in OutboundDetailType]: {
    /** Stable id, so that consumers can de-duplicate an at-least-once publication. */
    id: string;
    detailType: K;
    detail: EmittedDetail<K>;
  };
}[OutboundDetailType];

export interface StatementLine {
  entryId: string;
  kind: EntryKind;
  deviceId: string;
  claimId?: string;
  description: string;
  amountYen: number;
  taxClass: TaxClass;
  forMonth?: Month;
  reverses?: string;
  installment?: { number: number; of: number };
  proration?: { activeDays: number; daysInMonth: number };
  useNumber?: number;
}

export interface StatementTotals {
  taxableYen: number;
  consumptionTaxYen: number;
  nonTaxableYen: number;
  totalYen: number;
}

export interface Statement {
  customerId: string;
  month: Month;
  closedAt: string;
  lines: StatementLine[];
  totals: StatementTotals;
}

/** What one step of the engine produced. */
export interface Effects {
  entries: LedgerEntry[];
  emitted: EmittedEvent[];
  statements: Statement[];
  /** Events to add to the customer's journal (every event applied, ignored or waiting). */
  journal?: JournalRecord[];
  /** Waiting events given up on (dead-lettered, removed from the journal). */
  expired?: ExpiredEvent[];
  /** A new checkpoint to keep (`checkpoint.ts`), replacing the customer's previous one. */
  checkpoint?: Snapshot;
}

/** The customer derived from its events before `month` (facts only); `hash` names its content. */
export interface Snapshot {
  month: Month;
  hash: string;
  state: CustomerState;
}

/** A waiting event the sweep gave up on: the runtime dead-letters it and drops it from the journal. */
export interface ExpiredEvent {
  record: JournalRecord;
  reason: string;
}

export function emptyEffects(): Effects {
  return { entries: [], emitted: [], statements: [] };
}

export function emptyCustomerState(customerId: string, closedThrough?: Month): CustomerState {
  const state: CustomerState = {
    customerId,
    version: 0,
    orders: {},
    devices: {},
    claims: {},
    processed: {},
    openEntries: [],
    journaled: true,
  };
  if (closedThrough) state.closedThrough = closedThrough;
  return state;
}
