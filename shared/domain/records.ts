// The aggregate keys its records by ids that come from outside ("__proto__" and
// "constructor" included). Plain-object indexing would read the prototype chain or, for
// "__proto__", replace the prototype; these helpers only ever touch own properties, and the
// records stay plain objects that survive a JSON round trip.
export type IdRecord<T> = Record<string, T>;

export function getOwn<T>(record: IdRecord<T>, id: string): T | undefined {
  return Object.hasOwn(record, id) ? record[id] : undefined;
}

export function setOwn<T>(record: IdRecord<T>, id: string, value: T): void {
  Object.defineProperty(record, id, { value, enumerable: true, writable: true, configurable: true });
}
