// `npx tsx local/backfill-search-index.ts TABLE_NAME`: gives the customers created before the
// search index (gsi4) existed their search attributes, so that finance's search finds them at
// once rather than after their next event or the next monthly close (docs/table-design.md).
// Uses the SDK's standard settings (AWS_REGION, AWS_PROFILE, AWS_ENDPOINT_URL_DYNAMODB); safe
// to stop and run again.
import { documentClient } from '#shared/store/client.ts';
import { CustomerDirectory } from '#shared/store/customer-search.ts';

const tableName = process.argv[2];
if (!tableName) {
  process.stderr.write('usage: npx tsx local/backfill-search-index.ts TABLE_NAME\n');
  process.exit(2);
}
const started = performance.now();
const { customers, updated } = await new CustomerDirectory(documentClient(), tableName).backfillSearchKeys();
process.stdout.write(
  `${customers} customers read, ${updated} given their search keys, in ${Math.round(performance.now() - started)} ms\n`,
);
