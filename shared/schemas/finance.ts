import * as z from 'zod';
import { ENTRY_KINDS, TAX_CLASSES } from '../domain/kinds.ts';
import { LOOKBACK_PHRASE } from '../domain/policy.ts';
import { customerId, entityId, isoTimestamp, signedYen, yearMonth } from './primitives.ts';

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

/** Contract §3: every error code of the finance API, with its HTTP status. */
export const FINANCE_ERRORS = {
  BAD_REQUEST: {
    status: 400,
    when: 'a malformed customerId or month (YYYY-MM, months 01–12), or a path that is not validly URL-encoded',
  },
  NOT_FOUND: { status: 404, when: 'no statement for that customer and month; or no such route' },
  METHOD_NOT_ALLOWED: { status: 405, when: 'a method other than GET (the API is read-only)' },
  MONTH_NOT_CLOSED: { status: 409, when: 'the month is not closed yet, or this customer is held from its close' },
  OUTSIDE_LOOKBACK: { status: 410, when: `the month is older than the ${LOOKBACK_PHRASE}` },
} as const;
export type FinanceErrorCode = keyof typeof FINANCE_ERRORS;
export const FINANCE_ERROR_CODES = Object.keys(FINANCE_ERRORS) as FinanceErrorCode[];

export const errorBody = z.object({
  error: z.enum(FINANCE_ERROR_CODES as [FinanceErrorCode, ...FinanceErrorCode[]]),
  message: z.string().meta({ description: 'What was wrong, e.g. "2027-01 is not closed yet".' }),
});
