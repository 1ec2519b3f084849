// Runs in each test worker before its test file: hands the run's DynamoDB Local endpoint to the
// code that creates tables (test/support/dynamo.ts, local/embedded-dynamo.ts) and to the child
// processes that tests spawn, through the environment.
import { inject } from 'vitest';
import { DYNAMODB_LOCAL_ENDPOINT_VAR } from '../../local/embedded-dynamo.ts';

const endpoint = inject('dynamodbLocalEndpoint');
if (endpoint) process.env[DYNAMODB_LOCAL_ENDPOINT_VAR] = endpoint;
