// The fingerprint of an event's detail: equal for the same detail whatever its key order,
// different for any other detail. Used to tell a redelivery from a reused eventId.
import { createHash } from 'node:crypto';

function canonical(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  const keys = Object.keys(value).sort();
  return `{${keys.map((k) => `${JSON.stringify(k)}:${canonical((value as Record<string, unknown>)[k])}`).join(',')}}`;
}

export function fingerprintOf(detail: unknown): string {
  return createHash('sha256').update(canonical(detail)).digest('base64url');
}
