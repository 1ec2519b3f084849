// Log messages that alarms count: the functions write them, the stack's metric filters match
// them, so both read them from here.

/** An ingest function stored an event as a dead letter in the table. */
export const DEAD_LETTERED_LOG_MESSAGE = 'event dead-lettered';
/** close-shard held a customer back from a month's close. */
export const HELD_LOG_MESSAGE = 'customer held from the close';
