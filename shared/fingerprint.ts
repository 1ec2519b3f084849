// The fingerprint of an event: equal for the same detail-type and detail whatever the key
// order, different for anything else. Tells a redelivery from a reused eventId.
import { createHash } from 'node:crypto';

function canonical(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  const keys = Object.keys(value).sort();
  return `{${keys.map((k) => `${JSON.stringify(k)}:${canonical((value as Record<string, unknown>)[k])}`).join(',')}}`;
}

export function fingerprintOf(event: { detailType: string; detail: unknown }): string {
  return createHash('sha256')
    .update(canonical({ detailType: event.detailType, detail: event.detail }))
    .digest('base64url');
}
