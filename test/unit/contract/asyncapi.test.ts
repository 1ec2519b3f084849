// schemas/asyncapi.json against the code: every detail-type the pipeline consumes or publishes is
// a message of the bus and nothing else is; each message names the source that may send it, as
// the routing table and the emitter use it; each receive operation is a route of shared/routing.ts;
// every $ref resolves, inside the document or to a checked-in JSON Schema.
import { existsSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROUTES } from '#shared/routing.ts';
import { ASYNCAPI_FILE, PAYLOAD_SCHEMA_FORMAT } from '#shared/schemas/contract/asyncapi.ts';
import { CONTRACT_EVENTS } from '#shared/schemas/contract/events.ts';
import { REPO_ROOT } from '#shared/schemas/contract/files.ts';
import { INBOUND_DETAIL_TYPES, INBOUND_SOURCES } from '#shared/schemas/inbound.ts';
import { BILLING_SOURCE, OUTBOUND_DETAIL_TYPES } from '#shared/schemas/outbound.ts';
import { EVENT_BUS_NAME } from '../../../infra/billing-stack.ts';
import { readJson } from './validators.ts';

interface Message {
  name: string;
  headers: { properties: { source: { const: string }; 'detail-type': { const: string } }; required: string[] };
  payload: { schemaFormat: string; schema: { $ref: string } };
}
interface Operation {
  action: 'send' | 'receive';
  channel: { $ref: string };
  messages: { $ref: string }[];
}
interface AsyncApi {
  asyncapi: string;
  info: { version: string };
  channels: Record<string, { address: string; messages: Record<string, { $ref: string }> }>;
  operations: Record<string, Operation>;
  components: { messages: Record<string, Message> };
}

const doc = readJson(ASYNCAPI_FILE) as unknown as AsyncApi;
const codeTypes = [...INBOUND_DETAIL_TYPES, ...OUTBOUND_DETAIL_TYPES].sort();
const sourceOf = (type: string): string =>
  (INBOUND_SOURCES as Record<string, string>)[type] ??
  (OUTBOUND_DETAIL_TYPES.includes(type as never) ? BILLING_SOURCE : '?');

/** The value a local `#/a/b` pointer names in the document, following a reference it names in turn. */
function resolve(pointer: string): unknown {
  expect(pointer.startsWith('#/'), pointer).toBe(true);
  const value = pointer
    .slice(2)
    .split('/')
    .reduce<unknown>((node, key) => (node as Record<string, unknown> | undefined)?.[key], doc);
  expect(value, `${pointer} resolves`).toBeDefined();
  const next = (value as { $ref?: unknown }).$ref;
  return typeof next === 'string' ? resolve(next) : value;
}

describe(ASYNCAPI_FILE, () => {
  it('is an AsyncAPI 3.0 document with one channel: the device-supply bus', () => {
    expect(doc.asyncapi).toBe('3.0.0');
    expect(doc.info.version).toMatch(/^\d+\.\d+\.\d+/);
    expect(Object.values(doc.channels).map((c) => c.address)).toEqual([EVENT_BUS_NAME]);
  });

  it('has a message for every detail-type of the code, and only those, on the channel and in the components', () => {
    expect(Object.keys(doc.components.messages).sort()).toEqual(codeTypes);
    const [channel] = Object.values(doc.channels);
    expect(Object.keys(channel?.messages ?? {}).sort()).toEqual(codeTypes);
    for (const [type, ref] of Object.entries(channel?.messages ?? {}))
      expect(resolve(ref.$ref)).toBe(doc.components.messages[type]);
  });

  it.each(codeTypes)('%s names the source that may send it and its detail-type', (type) => {
    const message = doc.components.messages[type]!;
    expect(message.name).toBe(type);
    expect(message.headers.properties.source.const).toBe(sourceOf(type));
    expect(message.headers.properties['detail-type'].const).toBe(type);
    expect(message.headers.required.sort()).toEqual(['detail-type', 'source']);
  });

  it.each(codeTypes)("%s's payload is its checked-in JSON Schema (draft 2020-12)", (type) => {
    const { payload } = doc.components.messages[type]!;
    expect(payload.schemaFormat).toBe(PAYLOAD_SCHEMA_FORMAT);
    const file = path.posix.join(path.posix.dirname(ASYNCAPI_FILE), payload.schema.$ref);
    expect(file).toBe(CONTRACT_EVENTS.find((e) => e.detailType === type)?.file);
    expect(existsSync(path.join(REPO_ROOT, file)), file).toBe(true);
    expect(readJson(file).title).toBe(type);
  });

  it('receives what each route of shared/routing.ts consumes, and sends what the pipeline publishes', () => {
    const operations = Object.values(doc.operations);
    const messagesOf = (op: Operation) =>
      op.messages.map((ref) => (resolve(ref.$ref) as Message).name).sort((a, b) => a.localeCompare(b));
    const received = operations.filter((op) => op.action === 'receive');
    expect(received.map(messagesOf)).toEqual(
      ROUTES.map((route) => [...route.pattern['detail-type']].sort((a, b) => a.localeCompare(b))),
    );
    for (const [i, route] of ROUTES.entries()) {
      for (const ref of received[i]!.messages)
        expect(route.pattern.source).toContain((resolve(ref.$ref) as Message).headers.properties.source.const);
    }
    const sent = operations.filter((op) => op.action === 'send');
    expect(sent.map(messagesOf)).toEqual([[...OUTBOUND_DETAIL_TYPES].sort((a, b) => a.localeCompare(b))]);
    // Operations take their messages from the channel, as AsyncAPI 3 requires.
    for (const op of operations) {
      expect(resolve(op.channel.$ref)).toBe(Object.values(doc.channels)[0]);
      for (const ref of op.messages) expect(ref.$ref).toMatch(/^#\/channels\/[^/]+\/messages\//);
    }
  });

  it('every detail-type is consumed or published by exactly one operation', () => {
    const all = Object.values(doc.operations).flatMap((op) =>
      op.messages.map((ref) => (resolve(ref.$ref) as Message).name),
    );
    expect(all.sort()).toEqual(codeTypes);
  });
});
