// The finance API's customer routes (contract §3, docs/finance-api.md): the search by the start
// of an id, whatever its case, and what is still open for one customer. Dispatched by
// finance-api.ts; the answers are the bodies of shared/schemas/finance.ts.
import type { CustomerState } from '../domain/index.ts';
import { type OpenItems, openItems } from '../domain/open-items.ts';
import { CUSTOMER_SEARCH_LIMIT } from '../schemas/finance.ts';
import { CUSTOMER_ID_MAX, isAsciiId } from '../schemas/primitives.ts';
import type { CustomerMatches } from '../store/customer-search.ts';

/** What the routes read (shared/store/customer-search.ts `CustomerDirectory`). */
export interface CustomerReads {
  search(prefix: string, limit: number): Promise<CustomerMatches>;
  state(customerId: string): Promise<CustomerState | undefined>;
}

export interface CustomerSearchAnswer {
  prefix: string;
  customers: { customerId: string }[];
  truncated: boolean;
}

/** A JSON answer, as finance-api.ts's `FinanceResponse` is. */
interface JsonAnswer {
  status: number;
  contentType: 'application/json';
  body: string;
}

const json = (status: number, value: unknown): JsonAnswer => ({
  status,
  contentType: 'application/json',
  body: JSON.stringify(value),
});
const error = (status: number, code: string, message: string) => json(status, { error: code, message });

const ID_RULE = `1 to ${CUSTOMER_ID_MAX} printable ASCII characters without spaces`;
// Digits only, no sign, no leading zero: `limit=1e2`, `limit=+5` and `limit=05` are refused, not guessed at.
const LIMIT_RE = /^[1-9]\d*$/;

/**
 * `GET /customers?prefix=P&limit=N`. The prefix follows the ids' rule (an id never has a space
 * or a character outside printable ASCII, so such a prefix could match nothing); given twice,
 * it is ambiguous. Query values are form-decoded: a `+` in a prefix is sent as `%2B`.
 */
export async function searchCustomers(customers: CustomerReads, query: URLSearchParams): Promise<JsonAnswer> {
  const prefixes = query.getAll('prefix');
  const [prefix] = prefixes;
  if (prefixes.length !== 1 || prefix === undefined || !isAsciiId(prefix, CUSTOMER_ID_MAX))
    return error(400, 'BAD_REQUEST', `prefix must be given once, ${ID_RULE}`);
  const limits = query.getAll('limit');
  const [text] = limits;
  const limit = text === undefined ? CUSTOMER_SEARCH_LIMIT.default : LIMIT_RE.test(text) ? Number(text) : Number.NaN;
  if (limits.length > 1 || !(limit >= 1 && limit <= CUSTOMER_SEARCH_LIMIT.max))
    return error(
      400,
      'BAD_REQUEST',
      `limit must be given at most once, a whole number from 1 to ${CUSTOMER_SEARCH_LIMIT.max} (default ${CUSTOMER_SEARCH_LIMIT.default})`,
    );
  const { customerIds, truncated } = await customers.search(prefix, limit);
  const answer: CustomerSearchAnswer = {
    prefix,
    customers: customerIds.map((customerId) => ({ customerId })),
    truncated,
  };
  return json(200, answer);
}

/** `GET /customers/{customerId}/open`: what is still open for the customer at `now`. */
export async function openForCustomer(customers: CustomerReads, customerId: string, now: string): Promise<JsonAnswer> {
  if (!isAsciiId(customerId, CUSTOMER_ID_MAX)) return error(400, 'BAD_REQUEST', `customerId must be ${ID_RULE}`);
  const state = await customers.state(customerId);
  if (!state) return error(404, 'NOT_FOUND', `no customer ${customerId}: the pipeline has no event of it`);
  const answer: OpenItems = openItems(state, now);
  return json(200, answer);
}
