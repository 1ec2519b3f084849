// The finance API's customer routes over the local stack's HTTP port: the query string reaches
// the handler (the search reads `prefix` and `limit` from it), as encoded by the client.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startStack, type TestStack } from '#test/support/local-stack.ts';
import { jst, orderPlaced } from '#test/support/scenario.ts';

let stack: TestStack;
beforeAll(async () => {
  stack = await startStack({ now: jst('2027-02-10') });
  await stack.put(
    ['AB-1', 'ab-2', 'a+b'].map((customerId, i) =>
      orderPlaced(jst('2027-02-01'), [{ deviceId: 'D1', months: 12 }], { customerId, orderId: `O${i}` }),
    ),
  );
  await stack.drain();
});
afterAll(() => stack?.stop());

describe('GET /customers over HTTP', () => {
  it('reads prefix and limit from the query string', async () => {
    const all = await stack.get('/customers?prefix=AB');
    expect(all.status).toBe(200);
    expect(all.json).toEqual({
      prefix: 'AB',
      customers: [{ customerId: 'AB-1' }, { customerId: 'ab-2' }],
      truncated: false,
    });
    expect((await stack.get('/customers?prefix=ab&limit=1')).json).toMatchObject({
      customers: [{ customerId: 'AB-1' }],
      truncated: true,
    });
    expect((await stack.get(`/customers?prefix=${encodeURIComponent('a+')}`)).json.customers).toEqual([
      { customerId: 'a+b' },
    ]);
    expect((await stack.get('/customers?prefix=a&limit=0')).status).toBe(400);
    expect((await stack.get('/customers')).json.error).toBe('BAD_REQUEST');
  });

  it('GET /customers/{customerId}/open answers the open items of a customer, 404 for another', async () => {
    const open = await stack.get('/customers/AB-1/open');
    expect(open.status).toBe(200);
    expect(open.json).toMatchObject({ customerId: 'AB-1', installments: [], eventsWaiting: 0 });
    expect((await stack.get('/customers/ab-1/open')).status).toBe(404);
  });
});
