import { describe, expect, it } from 'vitest';
import { ROUTES, routesFor } from '#shared/routing.ts';
import { INBOUND_DETAIL_TYPES, INBOUND_SOURCES } from '#shared/schemas/inbound.ts';

describe('the routing table', () => {
  it('routes every inbound detail-type, from its contract source, to exactly one consumer', () => {
    for (const detailType of INBOUND_DETAIL_TYPES) {
      const routes = routesFor({ source: INBOUND_SOURCES[detailType], 'detail-type': detailType });
      expect(
        routes.map((r) => r.consumer),
        detailType,
      ).toHaveLength(1);
    }
    const routed = ROUTES.flatMap((r) => r.pattern['detail-type']);
    expect([...routed].sort()).toEqual([...INBOUND_DETAIL_TYPES].sort());
  });

  it('sends each source to its own consumer', () => {
    expect(routesFor({ source: 'device-supply.orders', 'detail-type': 'OrderPlaced' })[0]?.consumer).toBe('orders');
    expect(routesFor({ source: 'device-supply.claims', 'detail-type': 'ClaimFiled' })[0]?.consumer).toBe('claims');
    expect(routesFor({ source: 'device-supply.logistics', 'detail-type': 'LoanerReturned' })[0]?.consumer).toBe(
      'logistics',
    );
  });

  it('routes the 14 detail-types, LoanerDamaged to logistics and only from logistics', () => {
    expect(ROUTES.flatMap((r) => r.pattern['detail-type'])).toHaveLength(14);
    expect(
      routesFor({ source: 'device-supply.logistics', 'detail-type': 'LoanerDamaged' }).map((r) => r.consumer),
    ).toEqual(['logistics']);
    expect(routesFor({ source: 'device-supply.claims', 'detail-type': 'LoanerDamaged' })).toEqual([]);
    expect(routesFor({ source: 'device-supply.orders', 'detail-type': 'LoanerDamaged' })).toEqual([]);
  });

  it('does not route a detail-type from the wrong source, an unknown type, or billing’s own events', () => {
    expect(routesFor({ source: 'device-supply.claims', 'detail-type': 'OrderPlaced' })).toEqual([]);
    expect(routesFor({ source: 'device-supply.orders', 'detail-type': 'OrderShipped' })).toEqual([]);
    expect(routesFor({ source: 'device-supply.billing', 'detail-type': 'OrderRejected' })).toEqual([]);
    expect(routesFor({ source: 'device-supply.orders', 'detail-type': 'constructor' })).toEqual([]);
  });
});
