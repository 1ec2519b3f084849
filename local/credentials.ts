// The fake credentials of every client of a local endpoint — the local stack's store and bus,
// the CLI, the benches and the tests — written once. Fixed, so that no SDK default
// (environment, ~/.aws) reaches a local store; nothing local checks them. DynamoDB Local keeps a
// separate set of tables per access key and region: every client of one table uses these two.
export const LOCAL_CREDENTIALS = { accessKeyId: 'local', secretAccessKey: 'local' };
