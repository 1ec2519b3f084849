// Domain steps work on a private copy of the aggregate, so the caller's state is never
// changed and a refused step leaves nothing behind.
import type { CustomerState } from './types.ts';

export function cloneState(state: CustomerState): CustomerState {
  return structuredClone(state);
}
