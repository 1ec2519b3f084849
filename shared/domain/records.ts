// The aggregate keys its records by ids that come from outside ("__proto__" and
// "constructor" included). Plain-object indexing would read the prototype chain or, for
// "__proto__", replace the prototype; these helpers only ever touch own properties, and the
// records stay plain objects that survive a JSON round trip.
export type IdRecord<T> = Record<string, T>;

export function getOwn<T>(record: IdRecord<T>, id: string): T | undefined {
  return Object.hasOwn(record, id) ? record[id] : undefined;
}

export function setOwn<T>(record: IdRecord<T>, id: string, value: T): void {
  // Only "__proto__" is an accessor on Object.prototype: every other id is safe to assign, and
  // assignment keeps the record a fast-properties object, which defineProperty does not.
  if (id === '__proto__')
    Object.defineProperty(record, id, { value, enumerable: true, writable: true, configurable: true });
  else record[id] = value;
}
