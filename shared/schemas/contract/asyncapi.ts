// The bus as an AsyncAPI 3.0 document (schemas/asyncapi.json): the device-supply bus as its one
// channel, each detail-type a message whose payload is the event's JSON Schema under
// schemas/events/, and an operation per source: the three upstream sources the routing table
// (shared/routing.ts) consumes, and device-supply.billing, which the pipeline publishes.
import path from 'node:path';
import { ROUTES } from '../../routing.ts';
import type { InboundDetailType } from '../inbound.ts';
import { BILLING_SOURCE, type OutboundDetailType } from '../outbound.ts';
import { CONTRACT_BUS_NAME, CONTRACT_EVENTS, type ContractEvent } from './events.ts';
import type { JsonSchema } from './json-schema.ts';

export const ASYNCAPI_FILE = 'schemas/asyncapi.json';
const CHANNEL = 'deviceSupplyBus';
/** AsyncAPI's Multi Format Schema: the payloads are JSON Schema draft 2020-12 files. */
export const PAYLOAD_SCHEMA_FORMAT = 'application/schema+json;version=draft-2020-12';

/** One line per detail-type, from docs/events.md. */
const SUMMARIES: Record<InboundDetailType | OutboundDetailType, string> = {
  OrderPlaced: 'A customer orders 1 to 5 devices; answered with OrderRejected if a rule refuses it.',
  OrderVoided: 'The operator voids an order before delivery.',
  InstallmentPayoffRequested: 'Early payoff of the remaining installments of a device.',
  ProtectionCancelled: "Cancels a device's protection at the end of a month.",
  ClaimFiled: 'A protection or guarantee claim; answered with ClaimAdjudicated.',
  ClaimWithdrawn: 'The customer withdraws a claim.',
  DeviceDelivered: 'The ordered device reached the customer: its JST date is the usage start date.',
  ReplacementDelivered: 'The replacement handset of a claim reached the customer; the old one is due back.',
  DeviceReturned: "The claim's old handset (or, for a re-exchange, the earlier replacement) was received.",
  LoanerDelivered: 'A loaner was lent while the device is repaired.',
  FaultyDeviceReceived: 'The faulty device of a repair was received.',
  RepairedDeviceDelivered: 'The repaired device was delivered.',
  LoanerReturned: 'The loaner came back.',
  LoanerDamaged: 'The loaner was damaged while lent.',
  OrderRejected: 'An order refused by the eligibility rules, whole; revised when a late event changes it.',
  ClaimAdjudicated: 'A claim accepted (a counted use, a free claim) or rejected; revised when a late event changes it.',
  PenaltyAssessed: 'A late-return penalty, loaner charge or re-exchange charge; revised when a late event changes it.',
  StatementClosed: 'A customer month closed with a statement, once.',
};

const messageRef = (event: ContractEvent) => ({ $ref: `#/channels/${CHANNEL}/messages/${event.detailType}` });

function message(event: ContractEvent): JsonSchema {
  return {
    name: event.detailType,
    title: event.detailType,
    summary: SUMMARIES[event.detailType],
    contentType: 'application/json',
    headers: {
      type: 'object',
      description: "The EventBridge event's fields that route it; the payload is its detail.",
      properties: {
        source: { type: 'string', const: event.source },
        'detail-type': { type: 'string', const: event.detailType },
      },
      required: ['source', 'detail-type'],
    },
    payload: {
      schemaFormat: PAYLOAD_SCHEMA_FORMAT,
      schema: { $ref: `./${path.posix.relative(path.posix.dirname(ASYNCAPI_FILE), event.file)}` },
    },
  };
}

/** The AsyncAPI 3.0 document of the bus, for the contract of version `version`. */
export function asyncApiDocument(version: string): JsonSchema {
  const byDetailType = new Map<string, ContractEvent>(CONTRACT_EVENTS.map((event) => [event.detailType, event]));
  const eventsOf = (detailTypes: readonly string[]) =>
    detailTypes.map((detailType) => {
      const event = byDetailType.get(detailType);
      if (!event) throw new Error(`${detailType} is routed but has no schema`);
      return event;
    });
  const receive = Object.fromEntries(
    ROUTES.map((route) => {
      const [source] = route.pattern.source;
      return [
        `receive${route.consumer[0]?.toUpperCase()}${route.consumer.slice(1)}`,
        {
          action: 'receive',
          channel: { $ref: `#/channels/${CHANNEL}` },
          title: `Events of ${route.pattern.source.join(', ')}`,
          summary: `What source ${route.pattern.source.join(', ')} may send.`,
          description:
            `Upstream systems put these events with source ${source}. The routing rule of the ${route.consumer} ` +
            'consumer matches this source and these detail-types together: sent with another source, they reach ' +
            'no consumer. A malformed detail is dead-lettered, naming its first wrong field.',
          messages: eventsOf(route.pattern['detail-type']).map(messageRef),
        },
      ];
    }),
  );
  const emitted = CONTRACT_EVENTS.filter((event) => event.direction === 'emitted');
  return {
    asyncapi: '3.0.0',
    info: {
      title: 'Device supply billing: events',
      version,
      description:
        `The events of the billing pipeline on the Amazon EventBridge bus ${CONTRACT_BUS_NAME}: what upstream ` +
        `systems send (sources ${ROUTES.flatMap((r) => r.pattern.source).join(', ')}) and what the pipeline ` +
        `publishes (source ${BILLING_SOURCE}). Each message's payload is the event's detail, described by a ` +
        'JSON Schema (draft 2020-12) under schemas/events/. Field by field, with what happens to each event: ' +
        'docs/events.md. Generated from the zod schemas of shared/schemas/ by `npm run contract`: do not edit.',
    },
    defaultContentType: 'application/json',
    servers: {
      aws: {
        host: 'events.{region}.amazonaws.com',
        protocol: 'https',
        title: 'Amazon EventBridge',
        description: `PutEvents with EventBusName ${CONTRACT_BUS_NAME}, signed with SigV4, in the stage's region.`,
        variables: { region: { default: 'ap-northeast-1', description: "The stage's AWS region." } },
      },
      local: {
        host: '127.0.0.1:3000',
        protocol: 'http',
        title: 'The local stack',
        description:
          "npm start: EventBridge's PutEvents wire protocol on POST /, unauthenticated (docs/local-stack.md).",
      },
    },
    channels: {
      [CHANNEL]: {
        address: CONTRACT_BUS_NAME,
        title: `The ${CONTRACT_BUS_NAME} event bus`,
        description:
          'An EventBridge custom bus. An event is {source, detail-type, detail}; detail is a JSON object. ' +
          'An unknown detail-type is ignored.',
        messages: Object.fromEntries(
          CONTRACT_EVENTS.map((event) => [event.detailType, { $ref: `#/components/messages/${event.detailType}` }]),
        ),
      },
    },
    operations: {
      ...receive,
      sendBilling: {
        action: 'send',
        channel: { $ref: `#/channels/${CHANNEL}` },
        title: `Events of ${BILLING_SOURCE}`,
        summary: 'What the pipeline publishes.',
        description:
          `The pipeline publishes with source ${BILLING_SOURCE}, at least once: keep the eventIds seen to get each ` +
          'emission once. OrderRejected, ClaimAdjudicated and PenaltyAssessed are decisions: a decision changed by ' +
          'a late event is published again, whole, with revision + 1; keep the highest revision per decision.',
        messages: emitted.map(messageRef),
      },
    },
    components: { messages: Object.fromEntries(CONTRACT_EVENTS.map((event) => [event.detailType, message(event)])) },
  };
}
