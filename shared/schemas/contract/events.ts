// The event contract as JSON Schema: one schema per detail-type, inbound (what upstream systems
// send) and emitted (what the pipeline publishes as device-supply.billing), generated from the
// zod schemas the pipeline parses and validates with (inbound.ts, outbound.ts). The files under
// schemas/events/ and the EventBridge schema registry of the stack are both made here.
import * as z from 'zod';
import { INBOUND_DETAIL_TYPES, INBOUND_SOURCES, type InboundDetailType, inboundDetailSchemas } from '../inbound.ts';
import { BILLING_SOURCE, OUTBOUND_DETAIL_TYPES, type OutboundDetailType, outboundDetailSchemas } from '../outbound.ts';
import { ASCII_ID_PATTERN, YEAR_MONTH_PATTERN } from '../primitives.ts';
import { DRAFT_04, type JsonSchema, jsonSchemaOf, toDraft04 } from './json-schema.ts';

/** Contract §1: the custom bus every event of the contract travels on (infra's EVENT_BUS_NAME). */
export const CONTRACT_BUS_NAME = 'device-supply';

export type EventDirection = 'inbound' | 'emitted';

export interface ContractEvent {
  detailType: InboundDetailType | OutboundDetailType;
  source: string;
  direction: EventDirection;
  /** The `detail` as it travels: for an emitted event, its schema's fields and the emission's eventId. */
  detail: z.ZodType;
  /** Where its JSON Schema is checked in, relative to the repository root. */
  file: string;
}

const ID_CHARS = ASCII_ID_PATTERN.slice(1, -1); // `[\x21-\x7E]+`, unanchored

/**
 * The emission's `eventId` (publisher.ts `emissionId`): the decision id, with `#{revision}` from
 * revision 2 on, so that de-duplicating by eventId drops repeats, never a revision.
 */
const EMISSION_IDS: Record<OutboundDetailType, { pattern: string; description: string }> = {
  OrderRejected: {
    pattern: `^OrderRejected/${ID_CHARS}$`,
    description: 'OrderRejected/{orderId}, then #{revision} from revision 2 on (OrderRejected/O1#2).',
  },
  ClaimAdjudicated: {
    pattern: `^ClaimAdjudicated/${ID_CHARS}$`,
    description: 'ClaimAdjudicated/{claimId}, then #{revision} from revision 2 on (ClaimAdjudicated/K2#2).',
  },
  PenaltyAssessed: {
    pattern: `^PenaltyAssessed/${ID_CHARS}/(?:penalty|loaner|reexchange)/${ID_CHARS}$`,
    description:
      'PenaltyAssessed/{customerId}/penalty|loaner|reexchange/{claimId} (the claimId URI-encoded where ' +
      'needed), then #{revision} from revision 2 on.',
  },
  StatementClosed: {
    pattern: `^StatementClosed/${ID_CHARS}/${YEAR_MONTH_PATTERN}$`,
    description: 'StatementClosed/{customerId}/{month}: one emission per customer and closed month.',
  },
};

/**
 * `schema` with the root's title and description: the event's own words, then those of the rules
 * that `rulesOf`'s root states as JSON Schema (its meta: outbound.ts), which are carried over too.
 */
function withRoot(schema: z.ZodType, title: string, description: string, rulesOf: z.ZodType = schema): z.ZodType {
  const rules = z.globalRegistry.get(rulesOf);
  const said = typeof rules?.description === 'string' ? ` ${rules.description}` : '';
  return schema.meta({ ...rules, title, description: `${description}${said}` });
}

const STRIPPED =
  'Fields the contract does not name are stripped, not refused. An optional field may be left out; null is refused.';

function emittedDetail(detailType: OutboundDetailType): z.ZodType {
  const schema = outboundDetailSchemas[detailType];
  const eventId = z
    .string()
    .meta({ minLength: 1, ...EMISSION_IDS[detailType], description: EMISSION_IDS[detailType].description });
  // `extend` returns a fresh schema without the root's meta: withRoot carries its rules over.
  return withRoot(
    schema.extend({ eventId }),
    detailType,
    `The detail of ${detailType}, published by source ${BILLING_SOURCE} on bus ${CONTRACT_BUS_NAME}, at least ` +
      'once: eventId identifies the emission. A consumer should ignore fields it does not know.',
    schema,
  );
}

/** Every event of the contract: the inbound ones in the order of inbound.ts, then the emitted ones. */
export const CONTRACT_EVENTS: readonly ContractEvent[] = [
  ...INBOUND_DETAIL_TYPES.map(
    (detailType): ContractEvent => ({
      detailType,
      source: INBOUND_SOURCES[detailType],
      direction: 'inbound',
      detail: withRoot(
        inboundDetailSchemas[detailType],
        detailType,
        `The detail of ${detailType}, sent by source ${INBOUND_SOURCES[detailType]} on bus ${CONTRACT_BUS_NAME}. ${STRIPPED}`,
      ),
      file: `schemas/events/inbound/${detailType}.schema.json`,
    }),
  ),
  ...OUTBOUND_DETAIL_TYPES.map(
    (detailType): ContractEvent => ({
      detailType,
      source: BILLING_SOURCE,
      direction: 'emitted',
      detail: emittedDetail(detailType),
      file: `schemas/events/emitted/${detailType}.schema.json`,
    }),
  ),
];

/** The JSON Schema (draft 2020-12) of an event's detail, as checked in under schemas/events/. */
export function detailJsonSchema(event: ContractEvent): JsonSchema {
  return jsonSchemaOf(event.detail);
}

/** EventBridge names discovered schemas `{source}@{DetailType}`; the registry's follow suit. */
export const registrySchemaName = (event: ContractEvent): string => `${event.source}@${event.detailType}`;

/**
 * The schema the stack registers for an event (JSONSchemaDraft4): the whole EventBridge event as
 * a consumer receives it, its `source` and `detail-type` fixed, its `detail` the event's schema.
 */
export function registryJsonSchema(event: ContractEvent): JsonSchema {
  const { $schema: _, ...detail } = detailJsonSchema(event);
  return toDraft04({
    $schema: DRAFT_04,
    title: registrySchemaName(event),
    description:
      `A ${event.detailType} event of source ${event.source} as EventBridge delivers it from bus ` +
      `${CONTRACT_BUS_NAME}; its detail is the contract's (schemas/events/${event.direction}/).`,
    type: 'object',
    properties: {
      version: { type: 'string' },
      id: { type: 'string' },
      'detail-type': { type: 'string', const: event.detailType },
      source: { type: 'string', const: event.source },
      account: { type: 'string' },
      time: { type: 'string' },
      region: { type: 'string' },
      resources: { type: 'array', items: { type: 'string' } },
      detail,
    },
    required: ['detail-type', 'source', 'detail'],
  });
}
