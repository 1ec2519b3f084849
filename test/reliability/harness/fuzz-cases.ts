// Malformed and hostile inbound messages, each built from a real event of the streams (so it
// names a real customer, order, device or claim and would change a ledger if it got through)
// with one thing broken, and the field its dead letter's reason must name.
import fc from 'fast-check';
import { MAX_YEN_AMOUNT } from '#shared/domain/policy.ts';
import { type Consumer, routesFor } from '#shared/routing.ts';
import { INBOUND_SOURCES, type InboundEvent } from '#shared/schemas/inbound.ts';
import { busEventBody } from '#test/support/sqs.ts';
import { clone, leafPaths, OPTIONAL_KEYS } from '#test/unit/schemas/fixtures.ts';

export const FUZZ_KINDS = [
  'wrong-type',
  'missing-field',
  'bad-id',
  'huge-string',
  'unknown-cause',
  'bad-yen',
  'bad-months',
  'impossible-date',
  'timestamp-without-offset',
  'prototype-pollution',
  'bad-devices',
  'body-not-json',
  'detail-not-object',
] as const;
export type FuzzKind = (typeof FUZZ_KINDS)[number];

export interface FuzzCase {
  kind: FuzzKind;
  consumer: Consumer;
  body: string;
  /** What the reason must name: a detail path (it or a field under it), `(root)` or `(body)`. */
  field: string;
  customerId: string;
}

type Path = (string | number)[];
type Detail = Record<string, unknown>;
/** A broken detail and the field to blame, or undefined when this base has no such field. */
type Breaker = (detail: Detail, pick: number) => { detail: Detail; field: string } | undefined;

const ID_LIMITS: Record<string, number> = {
  eventId: 128,
  customerId: 64,
  orderId: 128,
  deviceId: 128,
  claimId: 128,
  followUpOf: 128,
  model: 200,
  reason: 1000,
};
const YEN_KEYS = ['priceYen', 'monthlyFeeYen', 'loanerValueYen', 'deviceValueYen', 'repairCostYen'];
const DATE_KEYS = ['birthDate', 'incidentDate', 'effectiveDate'];
const IMPOSSIBLE_DATES = [
  '2026-02-30',
  '2027-02-29',
  '2100-02-29',
  '2026-04-31',
  '2026-13-01',
  '2026-00-10',
  '2026-01-00',
  '2026-1-5',
  '26-01-05',
  '2026/01/05',
  '20260105',
  '2026-01-05T00:00:00+09:00',
  '',
];
// Seconds may be left out (contract §1), so the same instants without them, and a fraction
// without the seconds it is a fraction of.
const IMPOSSIBLE_INSTANTS = [
  '2026-02-30T12:00:00+09:00',
  '2027-02-29T00:00:00Z',
  '2026-04-31T23:59:59-05:00',
  '2026-01-01T24:00:00Z',
  '2026-01-01T12:60:00Z',
  '2026-12-31T23:59:60Z',
  '2026-02-30T12:00+09:00',
  '2026-01-01T24:00Z',
  '2026-01-01T12:60+09:00',
  '2026-01-01T12:00.5+09:00',
  '2026-01-01T12:00:00.+09:00',
];
const UNKNOWN_CAUSES = [
  'meteor_strike',
  'Water_Damage',
  'water damage',
  'theft ',
  '',
  'toString',
  '__proto__',
  'constructor',
  'natural-failure',
  'TOTAL_LOSS',
];
/** The ids that must be printable ASCII without spaces (model and reason are free text). */
const ASCII_ID_KEYS = new Set(['eventId', 'customerId', 'orderId', 'deviceId', 'claimId', 'followUpOf']);
/** One character just outside U+0021–U+007E: space and DEL are its neighbours. */
export const BAD_ID_CHARACTERS = [' ', '\u00e9', '端', '\u0000', '\t', '\u007f', '\u00a0', '😀'];
/** Just outside 1..MAX_YEN_AMOUNT, and what is not an integer yen amount at all. */
export const BAD_YEN = [
  -1,
  0,
  -0,
  0.5,
  1.5,
  39_800.01,
  -39_800,
  MAX_YEN_AMOUNT + 1,
  MAX_YEN_AMOUNT + 0.5,
  Number.MAX_SAFE_INTEGER,
  1e21,
  2 ** 53,
  '39800',
  null,
  true,
];
const BAD_MONTHS = [0, 1, 49, 2.5, -24, '24', null];
const WRONG_TYPES: Record<string, unknown[]> = {
  string: [42, 0, true, false, null, {}, [], ['x'], { value: 'x' }],
  number: ['100', '', true, null, {}, [1]],
  boolean: ['true', 1, 0, null, 'false'],
  object: ['x', 42, null, [], true],
};

const name = (path: Path): string => path.join('.');
const at = (root: unknown, path: Path): unknown =>
  path.reduce<unknown>((node, key) => (node as Record<string | number, unknown>)[key], root);
const parentOf = (root: Detail, path: Path) => at(root, path.slice(0, -1)) as Record<string | number, unknown>;
const keyOf = (path: Path): string | number => path[path.length - 1]!;
const choose = <T>(items: readonly T[], pick: number): T | undefined =>
  items.length === 0 ? undefined : items[pick % items.length];
/** A second choice from the same number, independent of `pick % n` for small n. */
const secondary = (pick: number): number => Math.floor(pick / 65_536);

/** Every path to a value (objects and arrays included) under the detail, excluding the root. */
function allPaths(value: unknown, prefix: Path = []): Path[] {
  if (value === null || typeof value !== 'object') return [];
  const children: [string | number, unknown][] = Array.isArray(value)
    ? value.map((v, i) => [i, v])
    : Object.entries(value);
  return children.flatMap(([key, child]) => [[...prefix, key], ...allPaths(child, [...prefix, key])]);
}

/** The id with its middle character replaced by `c`: as long as before, only that character wrong. */
export function withCharacter(id: string, c: string): string {
  const middle = Math.floor(id.length / 2);
  return `${id.slice(0, middle)}${c}${id.slice(middle + 1)}`;
}

function replaceAt(detail: Detail, path: Path, value: unknown): Detail {
  const copy = clone(detail);
  parentOf(copy, path)[keyOf(path)] = value;
  return copy;
}

const withLeaf =
  (
    matches: (path: Path, value: unknown) => boolean,
    values: (path: Path, value: unknown) => readonly unknown[],
  ): Breaker =>
  (detail, pick) => {
    const path = choose(
      leafPaths(detail).filter((p) => matches(p, at(detail, p))),
      pick,
    );
    if (!path) return undefined;
    const value = choose(values(path, at(detail, path)), secondary(pick))!;
    return { detail: replaceAt(detail, path, value), field: name(path) };
  };

const isRequired = (path: Path): boolean =>
  typeof keyOf(path) === 'string' && !OPTIONAL_KEYS.has(keyOf(path) as string);

const breakers: Record<Exclude<FuzzKind, 'body-not-json' | 'detail-not-object'>, Breaker> = {
  'wrong-type': (detail, pick) => {
    const path = choose(
      allPaths(detail).filter((p) => typeof keyOf(p) === 'string'),
      pick,
    )!;
    const value = at(detail, path);
    const kind = value !== null && typeof value === 'object' ? 'object' : typeof value;
    const replacement = choose(WRONG_TYPES[kind] ?? WRONG_TYPES.object!, secondary(pick))!;
    return { detail: replaceAt(detail, path, replacement), field: name(path) };
  },
  'missing-field': (detail, pick) => {
    const path = choose(allPaths(detail).filter(isRequired), pick)!;
    const copy = clone(detail);
    delete parentOf(copy, path)[keyOf(path)];
    return { detail: copy, field: name(path) };
  },
  'bad-id': withLeaf(
    (p) => Object.hasOwn(ID_LIMITS, keyOf(p)),
    (p, value) => [
      '',
      'x'.repeat(ID_LIMITS[keyOf(p) as string]! + 1),
      ...(ASCII_ID_KEYS.has(String(keyOf(p))) ? BAD_ID_CHARACTERS.map((c) => withCharacter(String(value), c)) : []),
    ],
  ),
  'huge-string': (detail, pick) => {
    const path = choose(
      leafPaths(detail).filter((p) => typeof at(detail, p) === 'string'),
      pick,
    )!;
    // Up to 200 KB: a whole EventBridge event is at most 256 KB.
    const length = secondary(pick) % 10 === 0 ? 150_000 + (pick % 50_000) : 1_000 + (pick % 63_000);
    return { detail: replaceAt(detail, path, 'x'.repeat(length)), field: name(path) };
  },
  'unknown-cause': withLeaf(
    (p) => keyOf(p) === 'cause',
    () => UNKNOWN_CAUSES,
  ),
  'bad-yen': withLeaf(
    (p) => YEN_KEYS.includes(String(keyOf(p))),
    () => BAD_YEN,
  ),
  'bad-months': withLeaf(
    (p) => keyOf(p) === 'months',
    () => BAD_MONTHS,
  ),
  'impossible-date': (detail, pick) =>
    secondary(pick) % 3 === 0
      ? { detail: { ...detail, occurredAt: choose(IMPOSSIBLE_INSTANTS, pick)! }, field: 'occurredAt' }
      : withLeaf(
          (p) => DATE_KEYS.includes(String(keyOf(p))),
          () => IMPOSSIBLE_DATES,
        )(detail, pick),
  'timestamp-without-offset': (detail, pick) => {
    const local = String(detail.occurredAt).replace(/(Z|[+-]\d\d:\d\d)$/, '');
    const written = [
      local,
      `${local.slice(0, 16)}`,
      local.slice(0, 10),
      `${local.replace('T', ' ')}+09:00`,
      `${local}+0900`,
      `${local} +09:00`,
      `${local}+09`,
      `${local}JST`,
      `${local}+15:00`,
      new Date(Date.parse(String(detail.occurredAt))).toUTCString(),
      Date.parse(String(detail.occurredAt)),
    ];
    return { detail: { ...detail, occurredAt: choose(written, pick) }, field: 'occurredAt' };
  },
  'prototype-pollution': (detail, pick) => {
    // A required key is taken away and offered through the prototype chain instead.
    const path = choose(
      [...allPaths(detail), ...Object.keys(detail).map((k) => [k])].filter((p) => isRequired(p) && p.length <= 4),
      pick,
    )!;
    const copy = clone(detail);
    const parent = parentOf(copy, path);
    const key = keyOf(path);
    const offered = { [key]: parent[key], polluted: 'yes' };
    delete parent[key];
    const own = (k: string, value: unknown) =>
      Object.defineProperty(parent, k, { value, enumerable: true, writable: true, configurable: true });
    if (secondary(pick) % 2 === 0) own('__proto__', offered);
    else {
      own('constructor', { prototype: offered });
      own('prototype', offered);
    }
    return { detail: copy, field: name(path) };
  },
  'bad-devices': (detail, pick) => {
    const devices = detail.devices as Detail[] | undefined;
    if (!devices) return undefined;
    const six = Array.from({ length: 6 }, (_, i) => ({
      ...devices[0]!,
      deviceId: `${String(devices[0]!.deviceId)}-${i}`,
    }));
    const variants: [unknown, string][] = [
      [[], 'devices'],
      [six, 'devices'],
      [{ 0: devices[0] }, 'devices'],
      [null, 'devices'],
      [[...devices, { ...devices[0]! }], `devices.${devices.length}.deviceId`],
    ];
    const [value, field] = choose(variants, pick)!;
    return { detail: { ...detail, devices: value }, field };
  },
};

export function consumerOf(detailType: InboundEvent['detailType']): Consumer {
  return routesFor({ source: INBOUND_SOURCES[detailType], 'detail-type': detailType })[0]!.consumer;
}

function envelopeCase(
  base: InboundEvent,
  kind: 'body-not-json' | 'detail-not-object',
  pick: number,
): { body: string; field: string } {
  const body = busEventBody(base);
  if (kind === 'body-not-json') {
    const variants = [
      body.slice(0, 1 + (pick % (body.length - 1))),
      '',
      'undefined',
      'NaN',
      'null',
      '42',
      '"an event"',
      'true',
      `${body}}`,
      body.replace(/"/g, "'"),
    ];
    return { body: choose(variants, pick)!, field: '(body)' };
  }
  const envelope = JSON.parse(body) as Record<string, unknown>;
  const details: unknown[] = [42, 'an event', null, [], [base.detail], true];
  const variant = secondary(pick) % 8;
  if (variant === 6) delete envelope.detail;
  else if (variant === 7) {
    // The detail offered only through the prototype chain of the envelope.
    delete envelope.detail;
    Object.defineProperty(envelope, '__proto__', {
      value: { detail: base.detail },
      enumerable: true,
      writable: true,
      configurable: true,
    });
  } else envelope.detail = choose(details, pick);
  return { body: JSON.stringify(envelope), field: '(root)' };
}

/** One hostile message built from one of `bases`, with the field its reason must name. */
export function fuzzCase(bases: readonly InboundEvent[]): fc.Arbitrary<FuzzCase> {
  return fc
    .tuple(fc.constantFrom(...FUZZ_KINDS), fc.nat({ max: bases.length - 1 }), fc.nat(), fc.nat())
    .map(([kind, b, pick, serial]) => {
      let base = bases[b]!;
      // Try the bases after this one until one has the field this kind breaks.
      for (let i = 0; i < bases.length; i++) {
        base = bases[(b + i) % bases.length]!;
        const detail = { ...(base.detail as Detail), eventId: `${base.detail.eventId}~fuzz${serial}` };
        const fresh = { ...base, detail } as InboundEvent;
        const built =
          kind === 'body-not-json' || kind === 'detail-not-object'
            ? envelopeCase(fresh, kind, pick)
            : breakers[kind](detail, pick);
        if (!built) continue;
        const body = 'body' in built ? built.body : busEventBody({ detailType: base.detailType, detail: built.detail });
        return {
          kind,
          consumer: consumerOf(base.detailType),
          body,
          field: built.field,
          customerId: base.detail.customerId,
        };
      }
      throw new Error(`no base event has a field that ${kind} can break`);
    });
}

/** Whether a dead letter's reason names the field the case broke. */
export function namesField(reason: string, field: string): boolean {
  if (field === '(body)') return reason.startsWith('(body): ');
  return reason.startsWith(`MALFORMED: ${field}: `) || reason.startsWith(`MALFORMED: ${field}.`);
}
