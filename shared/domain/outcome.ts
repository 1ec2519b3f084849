// What applying one inbound event came to. Only `applied` changes the aggregate's facts;
// `ignored` is a rule refusing the event (recorded as processed, changes nothing else);
// `pending` waits for an earlier event (retry, then dead-letter); `invalid` can never apply.
export type Outcome =
  | { outcome: 'applied'; note?: string }
  | { outcome: 'ignored'; reason: string }
  | { outcome: 'pending'; reason: string }
  | { outcome: 'invalid'; reason: string };
