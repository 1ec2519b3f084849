// Domain steps work on a private copy of the aggregate, so the caller's state is never
// changed and a refused step leaves nothing behind. The copy is structural and shallow where
// the engine never mutates (payment plans, cancellations, entries, the processed-event map,
// which `decide` replaces rather than mutates): the close runs once per customer per month
// and must stay cheap.

import { setOwn } from './records.ts';
import type { ClaimState, CustomerState, DeviceState, OrderState } from './types.ts';

function cloneDevice(d: DeviceState): DeviceState {
  const copy = { ...d };
  if (d.payoff) copy.payoff = { ...d.payoff };
  if (d.protection) copy.protection = { ...d.protection };
  return copy;
}

export function cloneClaim(c: ClaimState): ClaimState {
  const copy = { ...c };
  if (c.penalty) copy.penalty = { ...c.penalty };
  if (c.reexchangeCharge) copy.reexchangeCharge = { ...c.reexchangeCharge };
  if (c.loanerCharges) copy.loanerCharges = c.loanerCharges.map((charge) => ({ ...charge }));
  return copy;
}

function cloneRecord<T>(record: Record<string, T>, cloneOne: (value: T) => T): Record<string, T> {
  // Spreading defines each id as an own property ("__proto__" included) in one step.
  const out = { ...record };
  for (const [key, value] of Object.entries(record)) setOwn(out, key, cloneOne(value));
  return out;
}

export function cloneState(state: CustomerState): CustomerState {
  return {
    ...state,
    orders: cloneRecord(state.orders, (o: OrderState) => ({ ...o })),
    devices: cloneRecord(state.devices, cloneDevice),
    claims: cloneRecord(state.claims, cloneClaim),
    openEntries: state.openEntries.slice(),
  };
}

/**
 * The copy the close and the sweep work on. They change only the open entries, the devices
 * they bill and the claims they assess, so the records are copied but not their members: a
 * step replaces a device or claim it changes with a new object (`setOwn`) and shares the
 * rest with its input. Sharing is safe because no step ever writes to a member it has not
 * copied itself (`decide` writes only to its `cloneState` copy).
 */
export function draftForTimeStep(state: CustomerState): CustomerState {
  return {
    ...state,
    devices: { ...state.devices },
    claims: { ...state.claims },
    openEntries: state.openEntries.slice(),
  };
}
