// The table as CreateTable takes it: the CDK stack, the local stack and the tests all create
// it from this one definition, every index with the table (dynalite ignores a GSI added later).
import type { CreateTableCommandInput } from '@aws-sdk/client-dynamodb';
import { INDEX } from './keys.ts';

const S = 'S' as const;

export function tableDefinition(tableName: string): CreateTableCommandInput {
  return {
    TableName: tableName,
    BillingMode: 'PAY_PER_REQUEST',
    AttributeDefinitions: [
      { AttributeName: 'pk', AttributeType: S },
      { AttributeName: 'sk', AttributeType: S },
      { AttributeName: 'gsi1pk', AttributeType: S },
      { AttributeName: 'gsi1sk', AttributeType: S },
      { AttributeName: 'gsi2pk', AttributeType: S },
      { AttributeName: 'gsi2sk', AttributeType: S },
      { AttributeName: 'gsi3pk', AttributeType: S },
      { AttributeName: 'gsi3sk', AttributeType: S },
      { AttributeName: 'gsi4pk', AttributeType: S },
      { AttributeName: 'gsi4sk', AttributeType: S },
    ],
    KeySchema: [
      { AttributeName: 'pk', KeyType: 'HASH' },
      { AttributeName: 'sk', KeyType: 'RANGE' },
    ],
    GlobalSecondaryIndexes: [
      {
        IndexName: INDEX.byMonth,
        KeySchema: [
          { AttributeName: 'gsi1pk', KeyType: 'HASH' },
          { AttributeName: 'gsi1sk', KeyType: 'RANGE' },
        ],
        Projection: { ProjectionType: 'ALL' },
      },
      {
        IndexName: INDEX.byShard,
        KeySchema: [
          { AttributeName: 'gsi2pk', KeyType: 'HASH' },
          { AttributeName: 'gsi2sk', KeyType: 'RANGE' },
        ],
        Projection: { ProjectionType: 'KEYS_ONLY' },
      },
      {
        IndexName: INDEX.byDue,
        KeySchema: [
          { AttributeName: 'gsi3pk', KeyType: 'HASH' },
          { AttributeName: 'gsi3sk', KeyType: 'RANGE' },
        ],
        Projection: { ProjectionType: 'KEYS_ONLY' },
      },
      {
        // Finance's customer search (docs/table-design.md): the aggregate's keys never change, so
        // the index is written once per customer, when its aggregate is created.
        IndexName: INDEX.bySearch,
        KeySchema: [
          { AttributeName: 'gsi4pk', KeyType: 'HASH' },
          { AttributeName: 'gsi4sk', KeyType: 'RANGE' },
        ],
        Projection: { ProjectionType: 'KEYS_ONLY' },
      },
    ],
  };
}
