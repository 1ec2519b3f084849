// Lambda behind API Gateway (IAM-authorized): the finance API of contract §3.
import middy from '@middy/core';
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import { handleFinanceRequest } from '#shared/runtime/finance-api.ts';
import { pipelineFromEnv } from '#shared/runtime/pipeline.ts';
import { LedgerReads } from '#shared/store/ledger-reads.ts';
import { logger } from './lib/logger.ts';

const pipeline = pipelineFromEnv();
const deps = { reads: new LedgerReads(pipeline.doc, pipeline.tableName), closes: pipeline.closes };

export const handler = middy<APIGatewayProxyEvent, APIGatewayProxyResult>().handler(async (event) => {
  const response = await handleFinanceRequest(deps, event.httpMethod, event.path, new Date().toISOString());
  logger.info('finance request', { path: event.path, status: response.status, caller: event.requestContext?.identity?.userArn });
  return { statusCode: response.status, headers: { 'content-type': response.contentType }, body: response.body };
});
