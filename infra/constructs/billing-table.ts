// The single table, translated from `shared/store/table-definition.ts` (what the local stack
// and the tests create) so that keys and indexes cannot drift between the cloud and the rest.

import type { AttributeDefinition, KeySchemaElement } from '@aws-sdk/client-dynamodb';
import { RemovalPolicy } from 'aws-cdk-lib';
import {
  type Attribute,
  AttributeType,
  BillingMode,
  ProjectionType,
  Table,
  TableEncryption,
} from 'aws-cdk-lib/aws-dynamodb';
import type { Construct } from 'constructs';
import { DEAD_LETTER_TTL_ATTRIBUTE } from '#shared/store/keys.ts';
import { tableDefinition } from '#shared/store/table-definition.ts';

const ATTRIBUTE_TYPES: Record<string, AttributeType> = {
  S: AttributeType.STRING,
  N: AttributeType.NUMBER,
  B: AttributeType.BINARY,
};
const PROJECTION_TYPES: Record<string, ProjectionType> = {
  ALL: ProjectionType.ALL,
  KEYS_ONLY: ProjectionType.KEYS_ONLY,
  INCLUDE: ProjectionType.INCLUDE,
};

function keysOf(
  schema: readonly KeySchemaElement[] | undefined,
  attributes: readonly AttributeDefinition[],
  where: string,
): { partitionKey: Attribute; sortKey?: Attribute } {
  const attribute = (keyType: 'HASH' | 'RANGE'): Attribute | undefined => {
    const name = schema?.find((k) => k.KeyType === keyType)?.AttributeName;
    if (!name) return undefined;
    const type = ATTRIBUTE_TYPES[attributes.find((a) => a.AttributeName === name)?.AttributeType ?? ''];
    if (!type) throw new Error(`${where}: key attribute ${name} has no S, N or B definition`);
    return { name, type };
  };
  const partitionKey = attribute('HASH');
  if (!partitionKey) throw new Error(`${where}: no HASH key`);
  const sortKey = attribute('RANGE');
  return sortKey ? { partitionKey, sortKey } : { partitionKey };
}

export function createBillingTable(scope: Construct, id: string): Table {
  // The name is CloudFormation's to choose; the functions get it from the environment.
  const definition = tableDefinition('unused');
  const attributes = definition.AttributeDefinitions ?? [];
  if (definition.BillingMode !== 'PAY_PER_REQUEST') throw new Error('the table definition is expected to be on-demand');

  const table = new Table(scope, id, {
    ...keysOf(definition.KeySchema, attributes, 'table'),
    billingMode: BillingMode.PAY_PER_REQUEST,
    pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
    deletionProtection: true,
    // The ledger is the record of what customers were billed: it outlives any stack.
    removalPolicy: RemovalPolicy.RETAIN,
    encryption: TableEncryption.AWS_MANAGED,
    // Dead letters expire (DEAD_LETTER_RETENTION_DAYS); no other item carries the attribute.
    timeToLiveAttribute: DEAD_LETTER_TTL_ATTRIBUTE,
  });
  for (const index of definition.GlobalSecondaryIndexes ?? []) {
    const indexName = index.IndexName;
    if (!indexName) throw new Error('a global secondary index without a name');
    const projectionType = PROJECTION_TYPES[index.Projection?.ProjectionType ?? 'ALL'];
    if (!projectionType) throw new Error(`${indexName}: unknown projection ${index.Projection?.ProjectionType}`);
    table.addGlobalSecondaryIndex({
      indexName,
      ...keysOf(index.KeySchema, attributes, indexName),
      projectionType,
      ...(index.Projection?.NonKeyAttributes ? { nonKeyAttributes: index.Projection.NonKeyAttributes } : {}),
    });
  }
  return table;
}
