// Ledger entries: deterministic ids, the tax class of each kind, the closed-month redirect,
// and reversals. Entries are appended to the aggregate's open entries and to the effects of
// the step; nothing here edits or removes an entry.

import { addMonths, type Month, monthOf } from './calendar.ts';
import { present } from './invariant.ts';
import { TAX_CLASS_OF_KIND } from './policy.ts';
import type { CustomerState, Effects, EntryKind, LedgerEntry, TaxClass } from './types.ts';

export function taxClassOf(kind: EntryKind): TaxClass {
  return TAX_CLASS_OF_KIND[kind];
}

// The characters encodeURIComponent leaves as they are: most ids need no encoding at all.
const UNRESERVED = /^[\w.!~*'()-]*$/;

function idPart(part: string | number): string {
  const text = String(part);
  return UNRESERVED.test(text) ? text : encodeURIComponent(text);
}

/**
 * An entry id from the obligation it bills, e.g. `inst/D1/3`, `prot/D1/2026-11`, `fee/C7`.
 * Components are URI-encoded so that no id can be read two ways.
 */
export function entryIdOf(...parts: (string | number)[]): string {
  return parts.map(idPart).join('/');
}

/**
 * The id of a device's charge: while a void has never reversed the device's charges it is the
 * obligation's own id; after a refused void is undone, charges billed again get a new round
 * (`…/r1`) so that no id is ever written twice. The close names every charge it bills with
 * it, so it is built without arrays, and the detail (a payment number or a month, digits and
 * '-' only) is not run through the encoder.
 */
export function deviceEntryId(
  device: { deviceId: string; billingRound?: number },
  kind: 'lump' | 'inst' | 'prot' | 'payoff',
  detail?: number | Month,
): string {
  let id = `${kind}/${idPart(device.deviceId)}`;
  if (detail !== undefined) id += `/${detail}`;
  if (device.billingRound) id += `/r${device.billingRound}`;
  return id;
}

/**
 * The id of a claim's charge (`fee/K1`, `penalty/K1`, `loaner/K1/repair`): after a
 * re-derivation credited one of them, the claim's next charges get a new round (`…/r1`).
 */
export function claimEntryId(
  claim: { claimId: string; billingRound?: number },
  kind: 'fee' | 'penalty' | 'loaner' | 'reexchange' | 'loaner-repair',
  detail?: string,
): string {
  const id = detail === undefined ? entryIdOf(kind, claim.claimId) : entryIdOf(kind, claim.claimId, detail);
  return claim.billingRound ? `${id}/r${claim.billingRound}` : id;
}

/** The first month whose statement is still open for this customer. */
export function firstOpenMonth(state: CustomerState): Month | undefined {
  return state.closedThrough ? addMonths(state.closedThrough, 1) : undefined;
}

/** An entry as the rules decide it; `appendEntry` adds the customer, tax class and months. */
export type EntryDraft = Omit<LedgerEntry, 'customerId' | 'taxClass' | 'billingMonth' | 'forMonth'> & {
  /** When the entry belongs to a month other than that of its business date (recurring charges). */
  businessMonth?: Month;
};

/** Appends an entry, redirecting it to the first open month when its own month is closed. */
export function appendEntry(state: CustomerState, effects: Effects, draft: EntryDraft): LedgerEntry {
  const belongsTo = draft.businessMonth ?? monthOf(draft.businessDate);
  // Before the first open month, i.e. in or before the last closed one.
  const redirected = !!state.closedThrough && belongsTo <= state.closedThrough;
  const entry: LedgerEntry = {
    entryId: draft.entryId,
    customerId: state.customerId,
    deviceId: draft.deviceId,
    kind: draft.kind,
    taxClass: TAX_CLASS_OF_KIND[draft.kind],
    amountYen: draft.amountYen,
    billingMonth: redirected ? present(firstOpenMonth(state), 'a month is closed, so one is open') : belongsTo,
    businessDate: draft.businessDate,
    description: draft.description,
    causedBy: draft.causedBy,
  };
  if (redirected) entry.forMonth = belongsTo;
  if (draft.claimId !== undefined) entry.claimId = draft.claimId;
  if (draft.reverses !== undefined) entry.reverses = draft.reverses;
  if (draft.installment) entry.installment = draft.installment;
  if (draft.proration) entry.proration = draft.proration;
  if (draft.useNumber !== undefined) entry.useNumber = draft.useNumber;
  state.openEntries.push(entry);
  effects.entries.push(entry);
  return entry;
}

/** What a reversal needs to know of the entry it cancels. */
export type ReversibleEntry = Pick<
  EntryDraft,
  'entryId' | 'deviceId' | 'claimId' | 'kind' | 'amountYen' | 'businessDate' | 'businessMonth'
>;

/**
 * A credit that cancels `original` in full: same kind, negative amount. It belongs to the
 * month of what it corrects, so it lands on the same statement while that month is open
 * and otherwise in the first open month with `forMonth`.
 */
export function appendReversal(
  state: CustomerState,
  effects: Effects,
  original: ReversibleEntry,
  why: string,
  causedBy: string,
): LedgerEntry {
  const draft: EntryDraft = {
    entryId: `${original.entryId}/rev`,
    deviceId: original.deviceId,
    kind: original.kind,
    amountYen: -original.amountYen,
    businessDate: original.businessDate,
    description: `Reversal: ${why}`,
    reverses: original.entryId,
    causedBy,
  };
  if (original.businessMonth !== undefined) draft.businessMonth = original.businessMonth;
  if (original.claimId !== undefined) draft.claimId = original.claimId;
  return appendEntry(state, effects, draft);
}
