import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MAX_YEN_AMOUNT } from '../../../shared/domain/policy.ts';
import { INBOUND_DETAIL_TYPES, type InboundDetailType, parseInboundEvent } from '../../../shared/schemas/inbound.ts';
import {
  DELETE,
  ID_KEYS,
  leafPaths,
  OPTIONAL_KEYS,
  validDetailArbitraries,
  validDetails,
  withValueAt,
  YEN_KEYS,
} from './fixtures.ts';

const detailType = fc.constantFrom(...INBOUND_DETAIL_TYPES);

// A valid generated detail together with its type, so properties can span all 14 types.
const validEvent = detailType.chain((type) =>
  (validDetailArbitraries[type] as fc.Arbitrary<unknown>).map((detail) => ({
    type: type as InboundDetailType,
    detail,
  })),
);

/** The result must be one of the three documented shapes, with a reason naming the field. */
function expectWellFormedResult(result: ReturnType<typeof parseInboundEvent>): void {
  if (result.ok) return;
  if (result.error === 'UNKNOWN_DETAIL_TYPE') return;
  expect(result.error).toBe('MALFORMED');
  expect(typeof result.field).toBe('string');
  expect(result.reason.startsWith(`${result.field}: `)).toBe(true);
}

describe('parseInboundEvent never throws', () => {
  it('on anything as a detail', () => {
    fc.assert(
      fc.property(
        detailType,
        fc.anything({ withNullPrototype: true, withBoxedValues: true, withSparseArray: true, maxDepth: 6 }),
        (type, detail) => {
          expectWellFormedResult(parseInboundEvent(type, detail));
        },
      ),
      { numRuns: 500 },
    );
  });

  it('on any JSON value as a detail, and a non-object is reported at (root)', () => {
    fc.assert(
      fc.property(detailType, fc.jsonValue(), (type, detail) => {
        const result = parseInboundEvent(type, detail);
        expectWellFormedResult(result);
        if (detail === null || typeof detail !== 'object' || Array.isArray(detail)) {
          expect(result).toMatchObject({ ok: false, error: 'MALFORMED', field: '(root)' });
        }
      }),
      { numRuns: 500 },
    );
  });

  it('on any string as a detail type', () => {
    fc.assert(
      fc.property(fc.string(), fc.jsonValue(), (type, detail) => {
        const result = parseInboundEvent(type, detail);
        expectWellFormedResult(result);
        if (!(INBOUND_DETAIL_TYPES as readonly string[]).includes(type))
          expect(result).toEqual({ ok: false, error: 'UNKNOWN_DETAIL_TYPE' });
      }),
    );
  });

  it('on valid events with any value planted at any path', () => {
    fc.assert(
      fc.property(validEvent, fc.nat(), fc.anything({ maxDepth: 3 }), ({ type, detail }, pick, junk) => {
        const paths = leafPaths(detail);
        const path = paths[pick % paths.length]!;
        // Plant at the leaf or at one of its ancestors, so whole sub-objects get replaced too.
        const cut = path.slice(0, 1 + (pick % path.length));
        expectWellFormedResult(parseInboundEvent(type, withValueAt(detail, cut, junk)));
      }),
      { numRuns: 500 },
    );
  });

  it('on huge strings, deep nesting, hostile keys and throwing getters', () => {
    const huge = 'x'.repeat(5_000_000);
    let deep: unknown = {};
    for (let i = 0; i < 10_000; i += 1) deep = { devices: [deep] };
    const hostile = JSON.parse('{"__proto__":{"eventId":"e"},"constructor":{"prototype":{}},"prototype":null}');
    const getter = Object.defineProperty({}, 'eventId', {
      enumerable: true,
      get: () => {
        throw new Error('boom');
      },
    });
    const revoked = Proxy.revocable({}, {});
    revoked.revoke();
    for (const type of INBOUND_DETAIL_TYPES) {
      for (const detail of [
        huge,
        { ...validDetails[type], eventId: huge, occurredAt: huge },
        deep,
        hostile,
        getter,
        revoked.proxy,
      ]) {
        const result = parseInboundEvent(type, detail);
        expect(result.ok).toBe(false);
        expectWellFormedResult(result);
      }
    }
  });
});

describe('valid events', () => {
  it('always parse, to exactly the detail that was sent', () => {
    fc.assert(
      fc.property(validEvent, ({ type, detail }) => {
        expect(parseInboundEvent(type, detail)).toEqual({ ok: true, event: { detailType: type, detail } });
      }),
      { numRuns: 1000 },
    );
  });

  it('with any value of the wrong kind at a leaf, report exactly that leaf', () => {
    // No leaf of the contract (string, number, boolean, enum) accepts an object or an array.
    fc.assert(
      fc.property(
        validEvent,
        fc.nat(),
        fc.constantFrom<unknown>({}, [], { plan: 'lump_sum' }, [1]),
        ({ type, detail }, pick, wrong) => {
          const paths = leafPaths(detail);
          const path = paths[pick % paths.length]!;
          const result = parseInboundEvent(type, withValueAt(detail, path, wrong));
          expect(result).toMatchObject({ ok: false, error: 'MALFORMED', field: path.join('.') });
        },
      ),
      { numRuns: 500 },
    );
  });

  it('without a required leaf, report it as required; without an optional one, still parse', () => {
    fc.assert(
      fc.property(validEvent, fc.nat(), ({ type, detail }, pick) => {
        const paths = leafPaths(detail);
        const path = paths[pick % paths.length]!;
        const result = parseInboundEvent(type, withValueAt(detail, path, DELETE));
        if (OPTIONAL_KEYS.has(String(path[path.length - 1]))) {
          expect(result.ok).toBe(true);
        } else {
          const field = path.join('.');
          expect(result).toEqual({ ok: false, error: 'MALFORMED', field, reason: `${field}: is required` });
        }
      }),
      { numRuns: 500 },
    );
  });

  it('with any character outside U+0021..U+007E put into any id, report exactly that id', () => {
    const outside = fc.oneof(
      fc.constantFrom(' ', '\u00e9', '日', '\u0000', '\t', '\u007f', '\u00a0', '\u3000', '😀'),
      fc.integer({ min: 0, max: 0x20 }).map((code) => String.fromCharCode(code)),
      fc.integer({ min: 0x7f, max: 0xffff }).map((code) => String.fromCharCode(code)),
    );
    fc.assert(
      fc.property(validEvent, fc.nat(), fc.nat(), outside, ({ type, detail }, pick, at, bad) => {
        const paths = leafPaths(detail).filter((p) => ID_KEYS.has(String(p[p.length - 1])));
        const path = paths[pick % paths.length]!;
        const id = path.reduce<unknown>(
          (node, key) => (node as Record<string | number, unknown>)[key],
          detail,
        ) as string;
        // Replaces one character, so the length stays within the limit: only the character is wrong.
        const i = at % id.length;
        const result = parseInboundEvent(type, withValueAt(detail, path, `${id.slice(0, i)}${bad}${id.slice(i + 1)}`));
        expect(result).toMatchObject({ ok: false, error: 'MALFORMED', field: path.join('.') });
      }),
      { numRuns: 500 },
    );
  });

  it('with any amount outside 1..10,000,000 at any yen field, report exactly that field', () => {
    const outside = fc.oneof(
      fc.integer({ min: MAX_YEN_AMOUNT + 1, max: Number.MAX_SAFE_INTEGER }),
      fc.integer({ min: Number.MIN_SAFE_INTEGER, max: 0 }),
      fc.double({ noInteger: true }),
      fc.constantFrom(MAX_YEN_AMOUNT + 1, 0, Number.MAX_SAFE_INTEGER, 2 ** 53),
    );
    // Every type with an amount; ReplacementDelivered's is optional, so only details carrying one.
    const withAmount = fc
      .constantFrom<InboundDetailType>('OrderPlaced', 'LoanerDelivered', 'ReplacementDelivered', 'LoanerDamaged')
      .chain((type) => (validDetailArbitraries[type] as fc.Arbitrary<unknown>).map((detail) => ({ type, detail })))
      .filter(({ detail }) => leafPaths(detail).some((p) => YEN_KEYS.has(String(p[p.length - 1]))));
    fc.assert(
      fc.property(withAmount, fc.nat(), outside, ({ type, detail }, pick, bad) => {
        const paths = leafPaths(detail).filter((p) => YEN_KEYS.has(String(p[p.length - 1])));
        const path = paths[pick % paths.length]!;
        const result = parseInboundEvent(type, withValueAt(detail, path, bad));
        expect(result).toMatchObject({ ok: false, error: 'MALFORMED', field: path.join('.') });
      }),
      { numRuns: 300 },
    );
  });
});
