// Lambda behind API Gateway (IAM-authorized): the finance API of contract §3.
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import { requiredEnv } from '#shared/runtime/env.ts';
import { handleFinanceRequest } from '#shared/runtime/finance-api.ts';
import { documentClient } from '#shared/store/client.ts';
import { CloseStatusStore } from '#shared/store/close-status.ts';
import { CustomerDirectory } from '#shared/store/customer-search.ts';
import { EntriesExportStore } from '#shared/store/entries-exports.ts';
import { HeldCustomerStore } from '#shared/store/held-customers.ts';
import { LedgerReads } from '#shared/store/ledger-reads.ts';
import { LAMBDA_CONTEXT_OPTIONS, logger } from './lib/logger.ts';
import { presignedDownload } from './lib/s3-presign.ts';

// Reads only: the stores from a DynamoDB client, without the pipeline's EventBridge client,
// which would cost its import on every cold start.
const doc = documentClient();
const tableName = requiredEnv('TABLE_NAME');
const exports = new EntriesExportStore(doc, tableName);
const deps = {
  reads: new LedgerReads(doc, tableName),
  closes: new CloseStatusStore(doc, tableName),
  holds: new HeldCustomerStore(doc, tableName),
  customers: new CustomerDirectory(doc, tableName),
  entriesExports: {
    get: (month: string) => exports.get(month),
    // Signed with the credentials the table client resolved: the function's own role.
    downloadUrl: presignedDownload(
      requiredEnv('EXPORT_BUCKET_NAME'),
      requiredEnv('AWS_REGION'),
      doc.config.credentials,
    ),
  },
};

/**
 * The path with its query string, which API Gateway hands over decoded and apart: encoded again
 * here (a `+` as `%2B`), so that the handler reads the values as they were sent.
 */
function requestPath(event: APIGatewayProxyEvent): string {
  const query = new URLSearchParams();
  for (const [name, values] of Object.entries(event.multiValueQueryStringParameters ?? {}))
    for (const value of values ?? []) query.append(name, value);
  const search = query.toString();
  return search ? `${event.path}?${search}` : event.path;
}

export const handler = middy<APIGatewayProxyEvent, APIGatewayProxyResult>()
  .use(injectLambdaContext(logger, LAMBDA_CONTEXT_OPTIONS))
  .handler(async (event) => {
    // API Gateway's request id (the caller's x-amzn-RequestId) as Powertools' correlation_id, on
    // every line of the request; what `correlationIdPath: 'requestContext.requestId'` would do,
    // without the JMESPath package for one property. Reset after the request (resetKeys).
    if (event.requestContext?.requestId) logger.setCorrelationId(event.requestContext.requestId);
    const response = await handleFinanceRequest(deps, event.httpMethod, requestPath(event), new Date().toISOString());
    logger.info('finance request', {
      path: event.path,
      status: response.status,
      caller: event.requestContext?.identity?.userArn,
    });
    return { statusCode: response.status, headers: { 'content-type': response.contentType }, body: response.body };
  });
