import * as z from 'zod';
import { ENTRY_KINDS, TAX_CLASSES } from '../domain/kinds.ts';
import { LOOKBACK_PHRASE } from '../domain/policy.ts';
import {
  CUSTOMER_ID_MAX,
  calendarDate,
  customerId,
  entityId,
  isoTimestamp,
  signedYen,
  yearMonth,
  yen,
} from './primitives.ts';

/*
 * The finance API's answers (contract §3, docs/finance-api.md) as schemas, for its published
 * OpenAPI document (schemas/finance-api.openapi.json, `npm run contract`). The handler
 * (shared/runtime/finance-api.ts) builds these bodies from the domain's types and does not parse
 * them: test/unit/contract/ holds these schemas to those types and to the handler's answers.
 */

const count = (description: string) => z.number().int().min(0).meta({ description });
const positive = z.number().int().min(1);

export const statementMonthsBody = z.object({
  customerId,
  months: z
    .array(yearMonth)
    .meta({ description: `The closed months with a statement, inside the ${LOOKBACK_PHRASE}, newest first.` }),
});

export const statementTotals = z.object({
  taxableYen: signedYen.meta({ description: 'The sum of the taxable-10 lines.' }),
  consumptionTaxYen: signedYen.meta({
    description: 'floor(taxableYen × 10 / 110): the tax contained in taxableYen, once per statement.',
  }),
  nonTaxableYen: signedYen.meta({ description: 'The sum of the non-taxable lines.' }),
  totalYen: signedYen.meta({ description: 'taxableYen + nonTaxableYen; may be negative.' }),
});

export const statementLine = z.object({
  entryId: z.string().min(1).meta({
    description:
      'Deterministic, named by the obligation it bills (inst/D1/3, prot/D1/2026-11, fee/K1, …); a credit is <id>/rev.',
  }),
  kind: z.enum(ENTRY_KINDS),
  deviceId: entityId.meta({ description: 'The device contract line.' }),
  claimId: entityId.optional().meta({ description: 'The claim, for claim charges.' }),
  description: z.string().meta({ description: 'Human-readable, e.g. "Installment 3 of 24, Xperia 10 VII".' }),
  amountYen: signedYen.meta({ description: 'Integer yen, tax included; negative for a credit.' }),
  taxClass: z.enum(TAX_CLASSES),
  forMonth: yearMonth
    .optional()
    .meta({ description: 'The month the entry belongs to, when that month was already closed.' }),
  reverses: z.string().min(1).optional().meta({ description: 'A credit: the entryId it corrects.' }),
  installment: z.object({ number: positive, of: positive }).optional().meta({ description: 'Of an installment.' }),
  proration: z
    .object({ activeDays: z.number().int().min(1).max(31), daysInMonth: z.number().int().min(28).max(31) })
    .optional()
    .meta({ description: 'Of a prorated first-month protection fee.' }),
  useNumber: z
    .union([z.literal(1), z.literal(2)])
    .optional()
    .meta({ description: 'Of an exchange fee.' }),
});

export const statementBody = z.object({
  customerId,
  month: yearMonth,
  closedAt: isoTimestamp.meta({ description: 'When the close that wrote the statement ran.' }),
  lines: z.array(statementLine).meta({
    description: 'One per ledger entry billed on this statement, by the business date that caused it, then entryId.',
  }),
  totals: statementTotals,
});

const sum = z.object({ entries: count('How many entries.'), amountYen: signedYen });

export const monthReportBody = z.object({
  month: yearMonth,
  statements: count('How many statements the month has.'),
  totals: statementTotals.meta({
    description: "The sums of the statements' own totals: the tax is the sum of per-statement taxes, as invoiced.",
  }),
  byKind: z
    .object(
      Object.fromEntries(ENTRY_KINDS.map((kind) => [kind, sum])) as Record<(typeof ENTRY_KINDS)[number], typeof sum>,
    )
    .meta({ description: 'Every entry kind, zero included.' }),
  byTaxClass: z
    .object(
      Object.fromEntries(TAX_CLASSES.map((taxClass) => [taxClass, sum])) as Record<
        (typeof TAX_CLASSES)[number],
        typeof sum
      >,
    )
    .meta({ description: 'Both tax classes, zero included.' }),
  held: z
    .array(
      z.object({
        customerId,
        reason: z.string().meta({ description: 'Why the close held the customer back.' }),
        heldAt: isoTimestamp.meta({ description: 'When the close held the customer back.' }),
      }),
    )
    .meta({ description: 'Customers held from the close, whose statements are not in the totals yet (usually none).' }),
});

/** `GET /customers?prefix=&limit=`: how many customers a search answers, unless `limit` says fewer or more. */
export const CUSTOMER_SEARCH_LIMIT = { default: 20, max: 100 } as const;

export const customerSearchBody = z.object({
  prefix: z.string().min(1).max(CUSTOMER_ID_MAX).meta({ description: 'The prefix searched for, as given.' }),
  customers: z.array(z.object({ customerId })).meta({
    description:
      'The customers whose id starts with the prefix, whatever the case, sorted by the id in lower case, then by the id; at most `limit`.',
  }),
  truncated: z.boolean().meta({ description: 'More customers match than are listed: a longer prefix narrows it.' }),
});

const remaining = z.object({
  orderId: entityId,
  deviceId: entityId,
  model: z.string().meta({ description: 'The device model, as ordered.' }),
  months: positive.meta({ description: "The plan's number of installments." }),
  monthlyYen: yen.meta({
    description: 'The regular installment, floor(price / months); the first also carried the remainder.',
  }),
  remainingCount: positive.meta({
    description: 'Installments not billed yet (the close of each month bills its own).',
  }),
  remainingYen: yen.meta({ description: 'Their sum.' }),
  lastMonth: yearMonth.meta({ description: 'The month of the last installment still to bill.' }),
});

const deadline = z.object({
  kind: z.enum(['return', 'loaner']).meta({
    description:
      'return: the old device (or, for a re-exchange, the earlier replacement) must come back; loaner: the loaner must.',
  }),
  charge: z.enum(['late_return_penalty', 'reexchange_charge', 'loaner_charge']).meta({
    description: 'The entry kind billed if the deadline is missed.',
  }),
  claimId: entityId,
  deviceId: entityId,
  dueDate: calendarDate.meta({
    description: 'The last day (JST) that meets the deadline; the charge falls due the day after.',
  }),
  chargeYen: yen.meta({ description: 'What is billed if the deadline is missed.' }),
  overdue: z.boolean().meta({ description: 'dueDate has passed; the daily sweep bills the charge on its next run.' }),
});

const openClaim = z.object({
  claimId: entityId,
  deviceId: entityId,
  status: z.enum(['filed', 'in_repair', 'awaiting_return', 'awaiting_loaner_return']).meta({
    description:
      'filed: nothing received or delivered yet; in_repair: the faulty device or a loaner is out; awaiting_return: a replacement was delivered, the old device is not back; awaiting_loaner_return: the repaired device was delivered, the loaner is not back.',
  }),
  since: calendarDate.meta({ description: 'The JST date the claim reached that status.' }),
  filedOn: calendarDate.meta({ description: 'The JST date the claim was filed.' }),
});

export const openItemsBody = z.object({
  customerId,
  asOf: isoTimestamp.meta({ description: 'The instant of the request: what is open then.' }),
  installments: z.array(remaining).meta({
    description:
      'Per delivered device of an active order on installments with some not billed yet, by orderId, then deviceId. A device paid in full or paid off, a lump sum, or one not delivered yet is not listed.',
  }),
  remainingInstallmentsYen: yen.meta({ description: 'The sum of the remainingYen.' }),
  deadlines: z.array(deadline).meta({
    description: 'Return and loaner deadlines the daily sweep has not assessed yet, by dueDate, then claimId.',
  }),
  openClaims: z.array(openClaim).meta({
    description:
      'Accepted claims, not withdrawn, whose logistics are not finished (a standing charge for a device not returned finishes them), by since, then claimId.',
  }),
  eventsWaiting: count('Events received that name an order, device or claim not known yet, waiting for it.'),
});

/** `GET /reports/{month}/entries.csv` when the month's file is ready (docs/finance-api.md). */
export const entriesExportReadyBody = z.object({
  month: yearMonth,
  state: z.literal('ready'),
  url: z.string().min(1).meta({
    description:
      'Where to download the file: in AWS a presigned S3 URL valid for 15 minutes (ask again for a new one); on the local stack a path on the stack.',
  }),
  fileName: z.string().meta({ description: 'entries-YYYY-MM.csv: the name the download is saved under.' }),
  rows: count('Entries in the file, one row each (the header not counted).'),
  bytes: count('Size of the file: a UTF-8 BOM, the header row and the rows.'),
  startedAt: isoTimestamp.meta({ description: 'When the export started.' }),
  finishedAt: isoTimestamp.meta({ description: 'When the file was complete.' }),
});

/** `GET /reports/{month}/entries.csv` while the month's export runs: ask again shortly. */
export const entriesExportRunningBody = z.object({
  month: yearMonth,
  state: z.literal('running'),
  startedAt: isoTimestamp.meta({ description: 'When the export started.' }),
});

/** Contract §3: every error code of the finance API, with its HTTP status. */
export const FINANCE_ERRORS = {
  BAD_REQUEST: {
    status: 400,
    when: 'a malformed customerId or month (YYYY-MM, months 01–12), a search prefix or limit out of bounds, or a path that is not validly URL-encoded',
  },
  NOT_FOUND: {
    status: 404,
    when: 'no statement for that customer and month; a customer the pipeline never saw (its open items); or no such route',
  },
  METHOD_NOT_ALLOWED: { status: 405, when: 'a method other than GET (the API is read-only)' },
  MONTH_NOT_CLOSED: { status: 409, when: 'the month is not closed yet, or this customer is held from its close' },
  OUTSIDE_LOOKBACK: { status: 410, when: `the month is older than the ${LOOKBACK_PHRASE}` },
  EXPORT_NOT_FOUND: { status: 404, when: "the month's entries have not been exported (yet): its close writes them" },
  EXPORT_FAILED: {
    status: 500,
    when: "the month's entries export failed; the message says why, an operator runs it again",
  },
} as const;
export type FinanceErrorCode = keyof typeof FINANCE_ERRORS;
export const FINANCE_ERROR_CODES = Object.keys(FINANCE_ERRORS) as FinanceErrorCode[];

export const errorBody = z.object({
  error: z.enum(FINANCE_ERROR_CODES as [FinanceErrorCode, ...FinanceErrorCode[]]),
  message: z.string().meta({ description: 'What was wrong, e.g. "2027-01 is not closed yet".' }),
});
