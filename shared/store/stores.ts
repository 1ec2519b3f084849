// The stores of one table, built from its client: what the runtime is given in place of the
// client (the store owns every key and query of the table, docs/table-design.md).
import type { TableClient } from './client.ts';
import { CloseStatusStore } from './close-status.ts';
import { CustomerStore } from './customer-store.ts';
import { DeadLetterStore } from './dead-letters.ts';
import { EventRegistry } from './event-registry.ts';
import { HeldCustomerStore } from './held-customers.ts';

export interface Stores {
  customers: CustomerStore;
  closes: CloseStatusStore;
  events: EventRegistry;
  deadLetters: DeadLetterStore;
  holds: HeldCustomerStore;
}

export function createStores(doc: TableClient, tableName: string): Stores {
  return {
    customers: new CustomerStore(doc, tableName),
    closes: new CloseStatusStore(doc, tableName),
    events: new EventRegistry(doc, tableName),
    deadLetters: new DeadLetterStore(doc, tableName),
    holds: new HeldCustomerStore(doc, tableName),
  };
}
