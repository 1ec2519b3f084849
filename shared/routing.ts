// The one routing table of the event bus: which inbound events go to which consumer. The CDK
// stack turns each route into an EventBridge rule (its `pattern` is the rule's event pattern)
// targeting that consumer's queue; the local stack's in-process bus matches the same patterns.
import { INBOUND_SOURCES, type InboundDetailType } from './schemas/inbound.ts';

export type Consumer = 'orders' | 'claims' | 'logistics';

export interface Route {
  consumer: Consumer;
  /** The function entry under `functions/` that consumes the queue. */
  handlerEntry: string;
  /** An EventBridge event pattern: exact-match lists only, as the local bus reads them. */
  pattern: { source: string[]; 'detail-type': InboundDetailType[] };
}

const typesFrom = (source: string): InboundDetailType[] =>
  (Object.keys(INBOUND_SOURCES) as InboundDetailType[]).filter((type) => INBOUND_SOURCES[type] === source);

export const ROUTES: readonly Route[] = [
  {
    consumer: 'orders',
    handlerEntry: 'functions/ingest-orders.ts',
    pattern: { source: ['device-supply.orders'], 'detail-type': typesFrom('device-supply.orders') },
  },
  {
    consumer: 'claims',
    handlerEntry: 'functions/ingest-claims.ts',
    pattern: { source: ['device-supply.claims'], 'detail-type': typesFrom('device-supply.claims') },
  },
  {
    consumer: 'logistics',
    handlerEntry: 'functions/ingest-logistics.ts',
    pattern: { source: ['device-supply.logistics'], 'detail-type': typesFrom('device-supply.logistics') },
  },
];

export const CONSUMERS: readonly Consumer[] = ROUTES.map((route) => route.consumer);

/** The routes whose pattern matches an event (EventBridge delivers to every matching rule). */
export function routesFor(event: { source: string; 'detail-type': string }): Route[] {
  return ROUTES.filter(
    (route) =>
      route.pattern.source.includes(event.source) &&
      (route.pattern['detail-type'] as string[]).includes(event['detail-type']),
  );
}
