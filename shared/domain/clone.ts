// Domain steps work on a private copy of the aggregate, so the caller's state is never
// changed and a refused step leaves nothing behind. The copy is structural and shallow where
// the engine never mutates (payment plans, cancellations, entries, the processed-event map,
// which `decide` replaces rather than mutates): the close runs once per customer per month
// and must stay cheap.
import type { ClaimState, CustomerState, DeviceState, OrderState } from './types.ts';
import { setOwn } from './records.ts';

function cloneDevice(d: DeviceState): DeviceState {
  const copy = { ...d };
  if (d.payoff) copy.payoff = { ...d.payoff };
  if (d.protection) copy.protection = { ...d.protection };
  return copy;
}

function cloneClaim(c: ClaimState): ClaimState {
  const copy = { ...c };
  if (c.penalty) copy.penalty = { ...c.penalty };
  if (c.loanerCharges) copy.loanerCharges = c.loanerCharges.map((charge) => ({ ...charge }));
  return copy;
}

function cloneRecord<T>(record: Record<string, T>, cloneOne: (value: T) => T): Record<string, T> {
  const out: Record<string, T> = {};
  for (const key of Object.keys(record)) setOwn(out, key, cloneOne(record[key]!));
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
