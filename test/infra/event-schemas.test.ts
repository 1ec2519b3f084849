// The stack registers the event contract in an EventBridge schema registry: one registry named
// after the bus, one schema per detail-type (inbound and emitted), each the draft-4 form of the
// event generated from the same zod schemas as the checked-in JSON Schemas.
import { Match, Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { CONTRACT_EVENTS, registryJsonSchema, registrySchemaName } from '#shared/schemas/contract/events.ts';
import { DRAFT_04 } from '#shared/schemas/contract/json-schema.ts';
import { INBOUND_DETAIL_TYPES } from '#shared/schemas/inbound.ts';
import { OUTBOUND_DETAIL_TYPES } from '#shared/schemas/outbound.ts';
import { EVENT_BUS_NAME } from '../../infra/billing-stack.ts';
import { REGISTRY_SCHEMA_TYPE } from '../../infra/constructs/event-schemas.ts';
import { billingApp, type CfnResource, only, referencedId } from './billing-app.ts';

let template: Template;
let resources: Record<string, CfnResource>;

beforeAll(() => {
  template = Template.fromStack(billingApp().stack);
  resources = template.toJSON().Resources as Record<string, CfnResource>;
}, 120_000);

const ofType = (type: string) => Object.entries(resources).filter(([, r]) => r.Type === type);

describe('the EventBridge schema registry', () => {
  it('is one registry, named after the bus', () => {
    template.resourceCountIs('AWS::EventSchemas::Registry', 1);
    template.hasResourceProperties('AWS::EventSchemas::Registry', {
      RegistryName: EVENT_BUS_NAME,
      Description: Match.stringLikeRegexp('contract'),
    });
  });

  it('holds one schema per event type of the contract, inbound and emitted', () => {
    const count = INBOUND_DETAIL_TYPES.length + OUTBOUND_DETAIL_TYPES.length;
    expect(count).toBe(18);
    template.resourceCountIs('AWS::EventSchemas::Schema', count);
    const names = ofType('AWS::EventSchemas::Schema').map(([, s]) => s.Properties.SchemaName as string);
    expect(names.sort()).toEqual(CONTRACT_EVENTS.map(registrySchemaName).sort());
    expect(names).toContain('device-supply.orders@OrderPlaced');
    expect(names).toContain('device-supply.billing@StatementClosed');
    // EventBridge's schema names: letters, digits and - _ . @.
    for (const name of names) expect(name).toMatch(/^[A-Za-z0-9._@-]{1,385}$/);
  });

  it('registers each in the registry, as JSONSchemaDraft4 generated from the zod schemas', () => {
    const [registryId] = only(ofType('AWS::EventSchemas::Registry'), 'schema registry');
    for (const event of CONTRACT_EVENTS) {
      const [, schema] = only(
        ofType('AWS::EventSchemas::Schema').filter(([, s]) => s.Properties.SchemaName === registrySchemaName(event)),
        registrySchemaName(event),
      );
      expect(referencedId(schema.Properties.RegistryName)).toBe(registryId);
      expect(schema.Properties.Type).toBe(REGISTRY_SCHEMA_TYPE);
      expect(REGISTRY_SCHEMA_TYPE).toBe('JSONSchemaDraft4');
      const content = JSON.parse(schema.Properties.Content as string) as Record<string, unknown>;
      expect(content).toEqual(registryJsonSchema(event));
      expect(content.$schema).toBe(DRAFT_04);
      expect((schema.Properties.Description as string).length).toBeLessThanOrEqual(256);
    }
  });
});
