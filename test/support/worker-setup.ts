// Runs in each test worker before its test file: hands the run's DynamoDB Local endpoint to the
// code that creates tables (test/support/dynamo.ts, local/embedded-dynamo.ts) and to the child
// processes that tests spawn, through the environment.
import fc from 'fast-check';
import { inject } from 'vitest';
import { DYNAMODB_LOCAL_ENDPOINT_VAR } from '../../local/embedded-dynamo.ts';

const endpoint = inject('dynamodbLocalEndpoint');
if (endpoint) process.env[DYNAMODB_LOCAL_ENDPOINT_VAR] = endpoint;

// Property tests draw from one fixed seed, so that a run of CI is repeatable (a failure names
// its seed and path in its message); FC_SEED=<n> explores others, as CHAOS_SEED does for the
// reliability harness.
fc.configureGlobal({ seed: Number(process.env.FC_SEED ?? 20261127) });
