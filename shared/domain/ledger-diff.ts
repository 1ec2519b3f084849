// Corrections (§0): the difference between the ledger as billed and the ledger the events
// imply in business order, as new entries. Both ledgers are grouped by obligation (an
// installment, a month's protection fee, a claim's fee or penalty…) and business month; where
// a group differs, what was billed is credited in full (naming the entry it reverses) and what
// is owed now is billed again, in the first open month, with `forMonth` when the business
// month is closed. Nothing billed is edited.

import { addMonths, type Month } from './calendar.ts';
import { present } from './invariant.ts';
import type { EntryKind, LedgerEntry } from './types.ts';

const DEVICE_KINDS: ReadonlySet<EntryKind> = new Set([
  'device_lump_sum',
  'device_installment',
  'installment_payoff',
  'protection_fee',
]);

export const businessMonthOf = (entry: LedgerEntry): Month => entry.forMonth ?? entry.billingMonth;

/** The obligation an entry bills, whatever id, round or correction it was billed under. */
function ownObligation(entry: LedgerEntry): string {
  switch (entry.kind) {
    case 'device_installment':
      return JSON.stringify([entry.kind, entry.deviceId, entry.installment?.number ?? entry.entryId]);
    case 'protection_fee':
      return JSON.stringify([entry.kind, entry.deviceId, businessMonthOf(entry)]);
    case 'device_lump_sum':
    case 'installment_payoff':
      return JSON.stringify([entry.kind, entry.deviceId]);
    case 'loaner_charge':
      // One per deadline it bills (`loaner/K1/loaner`, `loaner/K1/repair`): the id's third part.
      return JSON.stringify([entry.kind, entry.claimId, entry.entryId.split('/')[2]]);
    default:
      return JSON.stringify([entry.kind, entry.claimId ?? entry.deviceId]);
  }
}

/** The groups of each claim's charges by kind (whatever deadline each bills), read once: `${kind} ${claimId}` → groups. */
export function groupsByClaim(groups: ReadonlyMap<string, Map<Month, Group>>): Map<string, Group[]> {
  const out = new Map<string, Group[]>();
  for (const [key, months] of groups) {
    const [kind, claimId] = JSON.parse(key) as [string, string];
    const list = out.get(`${kind} ${claimId}`) ?? [];
    list.push(...months.values());
    out.set(`${kind} ${claimId}`, list);
  }
  return out;
}

export interface Group {
  net: number;
  /** Charges (positive entries) of the group that no credit names. */
  live: LedgerEntry[];
  all: LedgerEntry[];
}

/** obligation → business month → group. Credits join the group of the entry they reverse. */
export function groupByObligation(ledger: readonly LedgerEntry[]): Map<string, Map<Month, Group>> {
  const byId = new Map(ledger.map((e) => [e.entryId, e]));
  const reversed = new Set(ledger.flatMap((e) => (e.reverses ? [e.reverses] : [])));
  const obligationOf = (entry: LedgerEntry, depth = 0): string => {
    const original = entry.reverses ? byId.get(entry.reverses) : undefined;
    return original && depth < 8 ? obligationOf(original, depth + 1) : ownObligation(entry);
  };
  const groups = new Map<string, Map<Month, Group>>();
  for (const entry of ledger) {
    const key = obligationOf(entry);
    const original = entry.reverses ? byId.get(entry.reverses) : undefined;
    const month = businessMonthOf(original ?? entry);
    const months = groups.get(key) ?? new Map<Month, Group>();
    groups.set(key, months);
    const group = months.get(month) ?? { net: 0, live: [], all: [] };
    months.set(month, group);
    group.net += entry.amountYen;
    group.all.push(entry);
    if (entry.amountYen > 0 && !reversed.has(entry.entryId)) group.live.push(entry);
  }
  return groups;
}

const sameJson = (a: unknown, b: unknown): boolean => JSON.stringify(a) === JSON.stringify(b);

/** Whether two charges read the same on a statement (the amount is compared by the caller). */
function sameCharge(a: LedgerEntry | undefined, b: LedgerEntry | undefined): boolean {
  if (!a || !b) return false;
  return (
    a.amountYen === b.amountYen &&
    a.description === b.description &&
    a.claimId === b.claimId &&
    a.useNumber === b.useNumber &&
    sameJson(a.installment, b.installment) &&
    sameJson(a.proration, b.proration)
  );
}

export interface CorrectionContext {
  customerId: string;
  closedThrough: Month | undefined;
  /** The version the correcting commit writes: it makes every correction's id new. */
  version: number;
  causedBy: string;
}

export interface Corrections {
  entries: LedgerEntry[];
  /** Devices and claims one of whose charges was credited: their next charges need a new round. */
  creditedDevices: Set<string>;
  creditedClaims: Set<string>;
}

/** The closed-month redirect of `appendEntry`: a closed business month lands in the first open one. */
function place(month: Month, ctx: CorrectionContext): Pick<LedgerEntry, 'billingMonth' | 'forMonth'> {
  if (ctx.closedThrough && month <= ctx.closedThrough)
    return { billingMonth: addMonths(ctx.closedThrough, 1), forMonth: month };
  return { billingMonth: month };
}

function copyOf(base: LedgerEntry, changes: Partial<LedgerEntry>, month: Month, ctx: CorrectionContext): LedgerEntry {
  const { forMonth: _f, reverses: _r, ...rest } = base;
  const entry: LedgerEntry = {
    ...rest,
    ...changes,
    customerId: ctx.customerId,
    causedBy: ctx.causedBy,
    ...place(month, ctx),
  };
  return entry;
}

/** The entries that bring `billed` to `derived`, group by group (see the file comment). */
export function correctionsBetween(
  billed: readonly LedgerEntry[],
  derived: readonly LedgerEntry[],
  ctx: CorrectionContext,
): Corrections {
  const was = groupByObligation(billed);
  const now = groupByObligation(derived);
  const out: Corrections = { entries: [], creditedDevices: new Set(), creditedClaims: new Set() };
  // A correction takes the id the rules give it (`fee/K1`, `<id>/rev`) unless the ledger has
  // it already; then the version of the correcting commit makes it new (`…/c7`, `…/x7`).
  const used = new Set(billed.map((e) => e.entryId));
  const fresh = (id: string, suffix: string): string => {
    const chosen = used.has(id) ? `${id.replace(/\/rev$/, '')}/${suffix}${ctx.version}` : id;
    used.add(chosen);
    return chosen;
  };
  for (const key of new Set([...was.keys(), ...now.keys()])) {
    const before = was.get(key) ?? new Map<Month, Group>();
    const after = now.get(key) ?? new Map<Month, Group>();
    for (const month of [...new Set([...before.keys(), ...after.keys()])].sort()) {
      const b = before.get(month);
      const d = after.get(month);
      const bNet = b?.net ?? 0;
      const dNet = d?.net ?? 0;
      const bLive = b?.live.at(-1);
      const dLive = d?.live.at(-1);
      if (bNet === dNet && (dNet === 0 || sameCharge(bLive, dLive))) continue;
      if (bNet !== 0) {
        const named = bLive ?? present(b?.all.at(-1), 'a billed net is made of entries');
        out.entries.push(
          copyOf(
            named,
            {
              entryId: fresh(`${named.entryId}/rev`, 'x'),
              amountYen: -bNet,
              reverses: named.entryId,
              description: `Correction: ${named.description} (decided again in business order)`,
            },
            month,
            ctx,
          ),
        );
        if (DEVICE_KINDS.has(named.kind)) out.creditedDevices.add(named.deviceId);
        else if (named.claimId !== undefined) out.creditedClaims.add(named.claimId);
      }
      if (dNet !== 0) {
        const owed = dLive ?? present(d?.all.at(-1), 'a derived net is made of entries');
        out.entries.push(copyOf(owed, { entryId: fresh(owed.entryId, 'c'), amountYen: dNet }, month, ctx));
      }
    }
  }
  return out;
}
