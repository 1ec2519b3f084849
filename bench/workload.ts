// The bench's own synthetic customers, as the inbound events upstream would send: every event
// is parsed by the contract's schemas, and every customer's events apply in the order given
// (the ingest figure fails if any is dead-lettered).
import { type InboundEvent, parseInboundEvent } from '#shared/schemas/inbound.ts';

const JST = '+09:00';
const at = (day: string, time = '12:00'): string => `${day}T${time}:00${JST}`;
/** `2026-08-01` plus n days, as a calendar date (no time zone involved). */
const dayAfter = (start: string, n: number): string =>
  new Date(Date.parse(`${start}T00:00:00Z`) + n * 86_400_000).toISOString().slice(0, 10);

function event(detailType: InboundEvent['detailType'], detail: Record<string, unknown>): InboundEvent {
  const parsed = parseInboundEvent(detailType, detail);
  if (!parsed.ok) throw new Error(`bench built a malformed ${detailType}: ${JSON.stringify(parsed)}`);
  return parsed.event;
}

export const customerIdOf = (prefix: string, index: number): string => `${prefix}${String(index).padStart(7, '0')}`;

/**
 * Ten events of one customer, in business-time order, in August to October 2026: an order of
 * two protected devices (installments and lump sum), both deliveries, an exchange claim
 * (filed, replacement out, old device back) and a repair claim (filed, loaner out, faulty
 * device in, repaired device back). Odd customers differ in causes, prices and dates.
 */
export function tenEventCustomer(customerId: string, index: number): InboundEvent[] {
  const odd = index % 2 === 1;
  const d0 = dayAfter('2026-08-01', index % 20);
  const day = (n: number) => dayAfter(d0, n);
  const common = (n: number, eventDay: string, time?: string) => ({
    eventId: `${customerId}/e${n}`,
    customerId,
    occurredAt: at(eventDay, time),
  });
  return [
    event('OrderPlaced', {
      ...common(1, d0, '08:30'),
      orderId: 'O1',
      customer: { birthDate: '1985-06-15' },
      paymentMethod: 'credit_card',
      devices: [
        {
          deviceId: 'D1',
          model: 'Pixel 9',
          condition: 'new',
          priceYen: odd ? 120_000 : 98_800,
          payment: { plan: 'installments', months: odd ? 36 : 24 },
          protection: { monthlyFeeYen: 418 },
        },
        {
          deviceId: 'D2',
          model: 'iPhone 16',
          condition: 'used',
          priceYen: odd ? 45_000 : 39_800,
          payment: { plan: 'lump_sum' },
          protection: { monthlyFeeYen: 550 },
        },
      ],
    }),
    event('DeviceDelivered', { ...common(2, day(2)), orderId: 'O1', deviceId: 'D1' }),
    event('DeviceDelivered', { ...common(3, day(3)), orderId: 'O1', deviceId: 'D2' }),
    event('ClaimFiled', {
      ...common(4, day(40)),
      claimId: 'K1',
      deviceId: 'D1',
      cause: odd ? 'total_loss' : 'water_damage',
      incidentDate: day(39),
    }),
    event('ReplacementDelivered', { ...common(5, day(42)), claimId: 'K1' }),
    event('DeviceReturned', { ...common(6, day(odd ? 50 : 45)), claimId: 'K1' }),
    event('ClaimFiled', {
      ...common(7, day(55)),
      claimId: 'K2',
      deviceId: 'D2',
      cause: odd ? 'natural_failure' : 'partial_damage',
      incidentDate: day(54),
    }),
    event('LoanerDelivered', { ...common(8, day(56)), claimId: 'K2', loanerValueYen: 20_000 }),
    event('FaultyDeviceReceived', { ...common(9, day(58)), claimId: 'K2' }),
    event('RepairedDeviceDelivered', { ...common(10, day(65)), claimId: 'K2' }),
  ];
}

/**
 * A customer with five devices, orders in the first months of a year-long history so that
 * every month from the first to the last has installment and protection lines to print.
 */
export function fiveDeviceCustomer(customerId: string, firstDay: string): InboundEvent[] {
  const devices = [1, 2, 3, 4, 5].map((n) => ({
    deviceId: `D${n}`,
    model: ['Pixel 9', 'iPhone 16', 'Galaxy S25', 'Xperia 1 VI', 'iPhone 16'][n - 1],
    condition: n === 5 ? 'used' : 'new',
    priceYen: 30_000 + n * 17_000,
    payment: n === 3 ? { plan: 'lump_sum' } : { plan: 'installments', months: n === 4 ? 12 : 24 },
    protection: { monthlyFeeYen: n === 5 ? 550 : 418 },
  }));
  const events: InboundEvent[] = [
    event('OrderPlaced', {
      eventId: `${customerId}/o1`,
      customerId,
      occurredAt: at(firstDay, '10:00'),
      orderId: 'O1',
      customer: { birthDate: '1979-02-03' },
      paymentMethod: 'credit_card',
      devices,
    }),
  ];
  for (const d of devices)
    events.push(
      event('DeviceDelivered', {
        eventId: `${customerId}/${d.deviceId}`,
        customerId,
        occurredAt: at(dayAfter(firstDay, 2)),
        orderId: 'O1',
        deviceId: d.deviceId,
      }),
    );
  events.push(
    event('ClaimFiled', {
      eventId: `${customerId}/k1`,
      customerId,
      occurredAt: at(dayAfter(firstDay, 100)),
      claimId: 'K1',
      deviceId: 'D2',
      cause: 'partial_damage',
      incidentDate: dayAfter(firstDay, 99),
    }),
    event('ReplacementDelivered', {
      eventId: `${customerId}/k1r`,
      customerId,
      occurredAt: at(dayAfter(firstDay, 102)),
      claimId: 'K1',
    }),
    event('DeviceReturned', {
      eventId: `${customerId}/k1b`,
      customerId,
      occurredAt: at(dayAfter(firstDay, 106)),
      claimId: 'K1',
    }),
  );
  return events;
}

export interface HistoryOptions {
  /** The first month of the customer's life; the month before it is closed at sign-up. */
  firstMonth: string;
  /** Months of history: every one but the last is closed, the last is open. */
  months: number;
  /** Devices of the one order (2 to 5): D1 on 24 installments, the others alternately lump sum and 36 installments, all protected. */
  devices: number;
  /** Events per month, besides the devices' own claims, of claims filed and rejected (theft) or filed and withdrawn: to make a long history. */
  fillerEventsPerMonth?: number;
}

export interface HistoryCustomer {
  customerId: string;
  /** The month closed before the first event (the pipeline's global close at sign-up). */
  closedThrough: string;
  /** In business order, each with its JST month. */
  events: { month: string; event: InboundEvent }[];
  /** The months to close, in order: every month of the history but the last. */
  closedMonths: string[];
}

const monthAfter = (month: string, n: number): string => {
  const index = Number(month.slice(0, 4)) * 12 + Number(month.slice(5, 7)) - 1 + n;
  return `${Math.floor(index / 12)}-${String((index % 12) + 1).padStart(2, '0')}`;
};

/**
 * A customer with a history of `months` months: one order of protected devices, delivered,
 * then each coverage year D1 has one exchange claim (old device back on time) and every other
 * device a repair with a loaner (back on time) and an exchange (old device back late every
 * second year: a penalty), plus filler claims each month if asked. Every event of the
 * history applies in the order given; the last month is left open. D1 is kept to one use a
 * coverage year, so that one more claim on it is accepted wherever it falls.
 */
export function historyCustomer(customerId: string, options: HistoryOptions): HistoryCustomer {
  const first = `${options.firstMonth}-01`;
  const end = monthAfter(options.firstMonth, options.months);
  const inWindow = (day: string) => day < `${end}-01`;
  const raw: { key: string; event: InboundEvent }[] = [];
  let n = 0;
  const add = (
    detailType: InboundEvent['detailType'],
    day: string,
    time: string,
    detail: Record<string, unknown>,
  ): void => {
    if (!inWindow(day)) return;
    const occurredAt = at(day, time);
    raw.push({
      key: `${occurredAt}#${String(n).padStart(6, '0')}`,
      event: event(detailType, { eventId: `${customerId}/h${++n}`, customerId, occurredAt, ...detail }),
    });
  };
  const devices = Array.from({ length: options.devices }, (_, i) => ({
    deviceId: `D${i + 1}`,
    model: ['Pixel 9', 'iPhone 16', 'Galaxy S25', 'Xperia 1 VI', 'iPhone 16e'][i],
    condition: 'new',
    priceYen: 60_000 + i * 23_000,
    payment:
      i === 0
        ? { plan: 'installments', months: 24 }
        : i % 2 === 1
          ? { plan: 'lump_sum' }
          : { plan: 'installments', months: 36 },
    protection: { monthlyFeeYen: i % 2 === 0 ? 418 : 550 },
  }));
  add('OrderPlaced', first, '10:00', {
    orderId: 'O1',
    customer: { birthDate: '1984-05-20' },
    paymentMethod: 'credit_card',
    devices,
  });
  for (const d of devices) add('DeviceDelivered', dayAfter(first, 2), '14:00', { orderId: 'O1', deviceId: d.deviceId });
  const delivered = dayAfter(first, 2);
  let claims = 0;
  const years = Math.ceil(options.months / 12);
  for (let year = 0; year < years; year++) {
    const y0 = dayAfter(delivered, year * 365);
    devices.forEach((d, i) => {
      const claimDay = (offset: number) => dayAfter(y0, offset + i * 9);
      if (i === 0) {
        const k = `K${++claims}`;
        add('ClaimFiled', claimDay(60), '09:00', {
          claimId: k,
          deviceId: d.deviceId,
          cause: 'water_damage',
          incidentDate: claimDay(59),
        });
        add('ReplacementDelivered', claimDay(62), '15:00', { claimId: k });
        add('DeviceReturned', claimDay(67), '11:00', { claimId: k });
        return;
      }
      const repair = `K${++claims}`;
      add('ClaimFiled', claimDay(120), '09:00', {
        claimId: repair,
        deviceId: d.deviceId,
        cause: 'partial_damage',
        incidentDate: claimDay(119),
      });
      add('LoanerDelivered', claimDay(121), '15:00', { claimId: repair, loanerValueYen: 20_000 });
      add('FaultyDeviceReceived', claimDay(124), '11:00', { claimId: repair });
      add('RepairedDeviceDelivered', claimDay(133), '15:00', { claimId: repair });
      add('LoanerReturned', claimDay(136), '11:00', { claimId: repair });
      const exchange = `K${++claims}`;
      add('ClaimFiled', claimDay(240), '09:00', {
        claimId: exchange,
        deviceId: d.deviceId,
        cause: 'total_loss',
        incidentDate: claimDay(238),
      });
      add('ReplacementDelivered', claimDay(242), '15:00', { claimId: exchange });
      add('DeviceReturned', claimDay(year % 2 === 1 ? 262 : 250), '11:00', { claimId: exchange });
    });
  }
  const filler = options.fillerEventsPerMonth ?? 0;
  for (let m = 0; m < options.months; m++) {
    const monthStart = `${monthAfter(options.firstMonth, m)}-01`;
    for (let events = 0, j = 0; events < filler; j++) {
      // Spread over days 4 to 27, on the devices after D1 (whose uses stay free for the probe).
      const day = dayAfter(monthStart, 3 + (j % 24));
      const deviceId = devices[1 + (j % (devices.length - 1))]!.deviceId;
      const k = `K${++claims}`;
      const hour = 16 + Math.floor(j / 24);
      const minute = String((j * 7) % 60).padStart(2, '0');
      if (j % 2 === 0) {
        add('ClaimFiled', day, `${hour}:${minute}`, {
          claimId: k,
          deviceId,
          cause: 'theft',
          incidentDate: dayAfter(day, -1),
        });
        events += 1;
      } else {
        add('ClaimFiled', day, `${hour}:${minute}`, {
          claimId: k,
          deviceId,
          cause: 'partial_damage',
          incidentDate: dayAfter(day, -1),
        });
        add('ClaimWithdrawn', day, `${hour + 3}:${minute}`, { claimId: k });
        events += 2;
      }
    }
  }
  raw.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  const closedMonths = Array.from({ length: options.months - 1 }, (_, m) => monthAfter(options.firstMonth, m));
  return {
    customerId,
    closedThrough: monthAfter(options.firstMonth, -1),
    events: raw.map(({ event: e }) => ({ month: jstMonthOf(e.detail.occurredAt), event: e })),
    closedMonths,
  };
}

/** The JST month of an instant written with the +09:00 offset (as every event here is). */
const jstMonthOf = (occurredAt: string): string => occurredAt.slice(0, 7);
