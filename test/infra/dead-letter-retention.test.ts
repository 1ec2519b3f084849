// Dead letters expire in the cloud: the table's TTL reads the attribute the dead-letter store
// writes (DEAD_LETTER_TTL_ATTRIBUTE, epoch seconds DEAD_LETTER_RETENTION_DAYS on), and no
// other kind of item is given it, so the TTL deletes nothing else.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { DEAD_LETTER_TTL_ATTRIBUTE } from '#shared/store/keys.ts';
import { createBillingTable } from '../../infra/constructs/billing-table.ts';

const STORE_DIR = join(import.meta.dirname, '../../shared/store');

describe('the table expires dead letters', () => {
  it('has TTL enabled on the attribute dead letters carry', () => {
    // The construct the stack builds its one table with (infra/billing-stack.ts).
    const stack = new Stack(new App(), 'Table');
    createBillingTable(stack, 'Table');
    const tables = Object.values(Template.fromStack(stack).findResources('AWS::DynamoDB::Table'));
    expect(tables).toHaveLength(1);
    expect(tables[0]?.Properties.TimeToLiveSpecification).toEqual({
      AttributeName: DEAD_LETTER_TTL_ATTRIBUTE,
      Enabled: true,
    });
    expect(DEAD_LETTER_TTL_ATTRIBUTE).toBe('expiresAt');
  });

  it('is an attribute only the dead-letter store writes', () => {
    // The store owns every item's shape: a module other than dead-letters.ts naming the
    // attribute could give another item a TTL, and have DynamoDB delete it.
    const writers = readdirSync(STORE_DIR)
      .filter((name) => name.endsWith('.ts') && name !== 'keys.ts')
      .filter((name) => {
        const source = readFileSync(join(STORE_DIR, name), 'utf8');
        return source.includes('DEAD_LETTER_TTL_ATTRIBUTE') || /\bexpiresAt\s*:/.test(source);
      });
    // waiting-reads.ts only names a field of its listing (a string, never written to the table).
    expect(writers.sort()).toEqual(['dead-letters.ts', 'waiting-reads.ts']);
  });
});
