// The event contract in an EventBridge schema registry: one schema per detail-type, inbound and
// emitted, generated from the same zod schemas as the JSON Schemas under schemas/events/
// (shared/schemas/contract/events.ts). The registry takes OpenApi3 or JSONSchemaDraft4, not draft
// 2020-12, so each is registered in its draft-4 form, as the whole EventBridge event around the
// detail; consumers can download code bindings for it from the console.
import { CfnRegistry, CfnSchema } from 'aws-cdk-lib/aws-eventschemas';
import { Construct } from 'constructs';
import { CONTRACT_EVENTS, registryJsonSchema, registrySchemaName } from '#shared/schemas/contract/events.ts';

/** What EventBridge accepts besides OpenApi3; the registry has nothing for draft 2020-12. */
export const REGISTRY_SCHEMA_TYPE = 'JSONSchemaDraft4';

export interface EventSchemasProps {
  /** The registry's name: the bus's, `device-supply`, one stage per account and region as the bus. */
  registryName: string;
}

export class EventSchemas extends Construct {
  readonly registry: CfnRegistry;
  readonly schemas: CfnSchema[];

  constructor(scope: Construct, id: string, props: EventSchemasProps) {
    super(scope, id);
    this.registry = new CfnRegistry(this, 'Registry', {
      registryName: props.registryName,
      description: 'The device-supply event contract: what upstream systems send and what billing publishes',
    });
    this.schemas = CONTRACT_EVENTS.map(
      (event) =>
        new CfnSchema(this, `${event.detailType}Schema`, {
          // The attribute, not the name: CloudFormation creates the registry first.
          registryName: this.registry.attrRegistryName,
          schemaName: registrySchemaName(event),
          type: REGISTRY_SCHEMA_TYPE,
          content: JSON.stringify(registryJsonSchema(event)),
          description: `${event.detailType}, ${event.direction === 'inbound' ? 'sent by' : 'published by'} ${event.source} (${event.file})`,
        }),
    );
  }
}
