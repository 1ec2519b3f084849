// DynamoDB clients. Endpoint and region come from the standard SDK settings
// (AWS_REGION, AWS_ENDPOINT_URL_DYNAMODB) in the cloud; the local stack and the tests pass
// an explicit endpoint for their embedded dynalite.
import { DynamoDBClient, type DynamoDBClientConfig } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

/** The client every store of a table is built from; only the stores send it commands. */
export type TableClient = DynamoDBDocumentClient;

export function documentClient(config: DynamoDBClientConfig = {}): DynamoDBDocumentClient {
  return DynamoDBDocumentClient.from(new DynamoDBClient(config), {
    marshallOptions: { removeUndefinedValues: true },
  });
}

export function isConditionFailure(error: unknown): boolean {
  return error instanceof Error && error.name === 'ConditionalCheckFailedException';
}
