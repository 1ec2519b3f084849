// Every number of the terms, and every choice the terms leave open (marked Policy), in one
// place so that finance can change it here and nowhere else. docs/billing-rules.md is the source.

import type { EntryKind, TaxClass } from './kinds.ts';
import { multiplyYen } from './money.ts';

/**
 * §0 Policy: every price or value in an event is an integer from 1 to this many yen; a larger
 * one is malformed (the inbound schemas refuse it). It keeps every sum far inside the safe
 * integers: a statement total would need some 900 million lines of this size to reach 2^53.
 */
export const MAX_YEN_AMOUNT = 10_000_000;

/**
 * §0 Policy: an event that names an order, device or claim not known yet waits with its
 * customer; one still waiting this many days after it was received is dead-lettered by the
 * sweep with its reason (and can be redriven).
 */
export const WAITING_DEAD_LETTER_DAYS = 7;

/** §1: minimum age on the order date (JST). */
export const MINIMUM_AGE_YEARS = 18;
/** §1: devices whose payments are not complete, per customer. */
export const MAX_UNPAID_DEVICES = 5;
/** §1: active protection plans per customer. */
export const MAX_ACTIVE_PROTECTION_PLANS = 5;
/** §1: the catalogue of monthly protection fees (tax included) by device condition. */
export const PROTECTION_FEE_CATALOGUE: Readonly<Record<'new' | 'used', readonly number[]>> = {
  new: [418, 550],
  used: [550],
};
/** §1: payment methods accepted. */
export const ACCEPTED_PAYMENT_METHODS: readonly string[] = ['credit_card'];

/** §3 Policy: the first-month prorated protection fee is rounded down to the yen. */
export const prorate = (monthlyFeeYen: number, activeDays: number, daysInMonth: number): number =>
  Math.floor(multiplyYen(monthlyFeeYen, activeDays, 'prorated protection fee') / daysInMonth);

/**
 * §4: the causes the protection covers. The contract knows more (CLAIM_CAUSES): theft, for
 * one, is a valid claim that is rejected CAUSE_NOT_COVERED. (claims.ts checks at compile time
 * that each is one of the contract's causes.)
 */
export const COVERED_CAUSES = [
  'total_loss',
  'partial_damage',
  'water_damage',
  'natural_failure',
  'initial_defect',
  'network_restriction',
] as const;
/** §4: uses per coverage year and the fee of each (tax included). */
export const USES_PER_COVERAGE_YEAR = 2;
export const EXCHANGE_FEE_BY_USE: readonly number[] = [5_500, 8_800];
/** §4: initial defects are free within this many days, the usage start date being day 1. */
export const INITIAL_DEFECT_FREE_DAYS = 30;
/** §4: a new device's maker warranty covers natural failure for this many years. */
export const MAKER_WARRANTY_YEARS = 1;
/**
 * §4: a used device's natural failure is covered up to this many months after its purchase
 * date, the JST date of its OrderPlaced (端末購入日から24ヶ月), not its usage start.
 */
export const USED_NATURAL_FAILURE_MONTHS = 24;
/**
 * §4: a follow-up claim is free when filed by the end of day D + this many days, D being the
 * date the earlier claim's replacement or repaired device was delivered and day 0, as for
 * returns (到着から7日以内); filed on D + 8 or later, it is an ordinary new claim.
 */
export const FOLLOW_UP_FREE_DAYS = 7;
/**
 * §4 Policy: the coverage year a claim falls in (for the two-uses limit and the fee ladder)
 * is the one containing the date the claim is filed (its occurredAt, JST): "the current
 * coverage year" at the time of filing. 'incident-date' would count by the incident instead.
 */
export const COVERAGE_YEAR_OF_CLAIM: 'filing-date' | 'incident-date' = 'filing-date';

/** §5: days after delivery by whose end the old device or the loaner must be back. */
export const RETURN_WINDOW_DAYS = 14;
/** §5: late-return penalty, outside the scope of consumption tax. */
export const LATE_RETURN_PENALTY_YEN = 40_000;
/**
 * §5: after a used device's follow-up exchange delivers a new replacement on day N (day 0),
 * the earlier replacement must be back by the end of N + this many days, else its value is
 * billed (the re-exchange charge, which replaces the 14-day penalty for that handset).
 */
export const REEXCHANGE_RETURN_DAYS = 7;

/**
 * §6: the tax class of each kind of entry. Policy: the loaner charge and the re-exchange
 * charge are compensation, not a sale, and so outside the scope of consumption tax like the
 * late-return penalty; a loaner's repair is a service, taxable at 10 %.
 */
export const TAX_CLASS_OF_KIND: Readonly<Record<EntryKind, TaxClass>> = {
  device_lump_sum: 'taxable-10',
  device_installment: 'taxable-10',
  installment_payoff: 'taxable-10',
  protection_fee: 'taxable-10',
  exchange_fee: 'taxable-10',
  late_return_penalty: 'non-taxable',
  loaner_charge: 'non-taxable',
  reexchange_charge: 'non-taxable',
  loaner_repair_charge: 'taxable-10',
};

/** §6: consumption tax is 10%, computed once per statement on the tax-inclusive total. */
// Checked: taxableYen × 10 leaves the safe integers 10× sooner than taxableYen does.
export const consumptionTaxOf = (taxableYen: number): number =>
  Math.floor(multiplyYen(taxableYen, 10, 'consumption tax base') / 110);
/**
 * §6 Policy: the monthly close of a month runs at this hour (JST) on the 1st of the next month,
 * not at midnight: the last events of the month get an hour to drain through the queues; later
 * ones still bill, in the next open month. The cloud's schedule (infra/billing-stack.ts) and
 * every close the demo, the benches and the tests run at "the close's time" take it from here,
 * through `closeTimeOf` (close.ts).
 */
export const MONTHLY_CLOSE_HOUR_JST = 1;
/** §6: finance may read the statements of this many most recent closed months. */
export const LOOKBACK_MONTHS = 12;
/**
 * Policy: an operator may export the entries of any closed month of this many most recent
 * years (for auditors: the 7 years of the Corporation Tax Act's bookkeeping retention); the
 * export bucket keeps each file as long, then expires it.
 */
export const EXPORT_RETENTION_YEARS = 7;
/**
 * Policy: a dead letter expires this many days after it was written (the table's TTL deletes
 * it; `billing dead-letters purge` locally, where dynalite has no TTL). A month gives the
 * operator the alarm, a month's close and a holiday to fix the cause and redrive; an event
 * needed later is still in the bus archive (ARCHIVE_RETENTION_DAYS) to replay.
 */
export const DEAD_LETTER_RETENTION_DAYS = 30;
/** The lookback as every message and page names it. */
export const LOOKBACK_PHRASE = `${LOOKBACK_MONTHS}-month lookback`;
/**
 * Days the bus archive keeps an inbound event, derived from the lookback: a replay must reach
 * the first day of the oldest month finance can read — up to LOOKBACK_MONTHS whole months
 * before the current one, at most 31 days each, plus the current month — and the events of
 * that month that waited (WAITING_DEAD_LETTER_DAYS) before applying. 13 × 31 + 7 = 410.
 */
export const ARCHIVE_RETENTION_DAYS = (LOOKBACK_MONTHS + 1) * 31 + WAITING_DEAD_LETTER_DAYS;
