// DynamoDB's real limits (invariant 8), measured as DynamoDB measures them: strings in UTF-8
// bytes (dynalite counts UTF-16 units and accepts items DynamoDB refuses), attribute names
// included, a few bytes of overhead per map or list element.

/** DynamoDB's item size limit: 400 KB. */
export const ITEM_LIMIT_BYTES = 400 * 1024;
/**
 * The most an event may grow a customer's state to. Past it the event is refused (dead-
 * lettered with the reason) rather than the customer stuck: the rest of the item (outbox,
 * keys) and the close's own growth keep at least 100 KB of the 400 KB.
 */
export const STATE_BUDGET_BYTES = 300 * 1024;

export class ItemLimitError extends Error {
  constructor(
    readonly customerId: string,
    readonly bytes: number,
    readonly limit: number,
    what: string,
  ) {
    super(`CUSTOMER_STATE_LIMIT: customer ${customerId}'s ${what} would be ${bytes} bytes, over the limit of ${limit}`);
    this.name = 'ItemLimitError';
  }
}

/** The size DynamoDB counts for a value (an upper bound for numbers: 21 bytes). */
export function valueBytes(value: unknown): number {
  if (typeof value === 'string') return Buffer.byteLength(value, 'utf8');
  if (typeof value === 'number') return 21;
  if (typeof value === 'boolean' || value === null || value === undefined) return 1;
  if (value instanceof Uint8Array) return value.byteLength;
  if (value instanceof Set) return [...value].reduce((n: number, v) => n + valueBytes(v) + 1, 3);
  if (Array.isArray(value)) return value.reduce((n: number, v) => n + valueBytes(v) + 1, 3);
  return Object.entries(value as Record<string, unknown>).reduce(
    (n, [k, v]) => n + Buffer.byteLength(k, 'utf8') + valueBytes(v) + 1,
    3,
  );
}

/** The size of an item: its attribute names and values. */
export function itemBytes(item: Record<string, unknown>): number {
  let bytes = 0;
  for (const [name, value] of Object.entries(item))
    if (value !== undefined) bytes += Buffer.byteLength(name, 'utf8') + valueBytes(value);
  return bytes;
}
