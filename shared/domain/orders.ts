// §1 Orders: eligibility, voids, deliveries, payoff requests and protection cancellations.

import type {
  DeviceDeliveredDetail,
  InstallmentPayoffRequestedDetail,
  OrderVoidedDetail,
  ProtectionCancelledDetail,
} from '../schemas/inbound.ts';
import type { OrderRejectionCode } from '../schemas/outbound.ts';
import type { RuledOrderPlaced } from './business-order.ts';
import { jstDate, jstMonth } from './calendar.ts';
import { orderDecision } from './decisions.ts';
import { deviceOf, orderOf } from './facts.ts';
import type { Outcome } from './outcome.ts';
import { billPayoff, isPaidBy, nothingLeftToPayOff, reversePayments } from './payment.ts';
import { MAX_ACTIVE_PROTECTION_PLANS, MAX_UNPAID_DEVICES, PROTECTION_FEE_CATALOGUE } from './policy.ts';
import { finalMonthOf, isProtectionActiveIn, reverseProtectionBeyond } from './protection.ts';
import { getOwn, setOwn } from './records.ts';
import type { CustomerState, DeviceState, Effects, OrderState } from './types.ts';

/**
 * Every rule of §1 the order breaks, in the order the terms list them. The limits count
 * other devices in business time (§0): a device is paid once its last payment's month has
 * been closed (the close bills it) or its payoff is billed, a plan is active until its final
 * month has been closed, whether or not those closes have run when the order arrives.
 */
export function eligibilityFailures(state: CustomerState, order: RuledOrderPlaced): OrderRejectionCode[] {
  const codes: OrderRejectionCode[] = [];
  if (order.personal.under18) codes.push('UNDER_18');
  if (order.personal.paymentMethodRefused) codes.push('PAYMENT_METHOD');
  const orderMonth = jstMonth(order.occurredAt);
  let unpaid = 0;
  let activePlans = 0;
  for (const device of Object.values(state.devices)) {
    const existing = orderOf(state, device);
    if (existing.status !== 'active') continue;
    if (!isPaidBy(device, orderMonth)) unpaid++;
    if (isProtectionActiveIn(device, existing, orderMonth)) activePlans++;
  }
  if (unpaid + order.devices.length > MAX_UNPAID_DEVICES) codes.push('DEVICE_LIMIT');
  const withProtection = order.devices.filter((d) => d.protection);
  if (activePlans + withProtection.length > MAX_ACTIVE_PROTECTION_PLANS) codes.push('PROTECTION_LIMIT');
  if (withProtection.some((d) => d.lineWarrantyOption === true)) codes.push('DOUBLE_COVERAGE');
  if (
    withProtection.some(
      (d) => d.protection !== undefined && !PROTECTION_FEE_CATALOGUE[d.condition].includes(d.protection.monthlyFeeYen),
    )
  )
    codes.push('PROTECTION_FEE');
  return codes;
}

export function applyOrderPlaced(state: CustomerState, order: RuledOrderPlaced, effects: Effects): Outcome {
  if (getOwn(state.orders, order.orderId))
    return {
      outcome: 'invalid',
      reason: `ORDER_ID_REUSED: order ${order.orderId} was already placed by another event`,
    };
  const taken = order.devices.map((d) => getOwn(state.devices, d.deviceId)).find((d) => d !== undefined);
  if (taken)
    return {
      outcome: 'invalid',
      reason: `DEVICE_ID_REUSED: device ${taken.deviceId} already belongs to order ${taken.orderId}`,
    };
  const reasons = eligibilityFailures(state, order);
  const placedOn = jstDate(order.occurredAt);
  const deviceIds = order.devices.map((d) => d.deviceId);
  if (reasons.length > 0) {
    setOwn<OrderState>(state.orders, order.orderId, {
      orderId: order.orderId,
      status: 'rejected',
      placedOn,
      deviceIds,
      placedBy: order.eventId,
      reasons,
    });
    effects.emitted.push(orderDecision(order.customerId, order.orderId, reasons, order.eventId));
    return { outcome: 'applied', note: `order rejected: ${reasons.join(', ')}` };
  }
  setOwn<OrderState>(state.orders, order.orderId, {
    orderId: order.orderId,
    status: 'active',
    placedOn,
    deviceIds,
    placedBy: order.eventId,
  });
  for (const d of order.devices) {
    const device: DeviceState = {
      deviceId: d.deviceId,
      orderId: order.orderId,
      model: d.model,
      condition: d.condition,
      priceYen: d.priceYen,
      payment:
        d.payment.plan === 'installments' ? { plan: 'installments', months: d.payment.months } : { plan: 'lump_sum' },
      paymentsBilled: 0,
    };
    if (d.protection) device.protection = { monthlyFeeYen: d.protection.monthlyFeeYen };
    setOwn(state.devices, d.deviceId, device);
  }
  return { outcome: 'applied' };
}

/** Reverses whatever a device of a void order has on the ledger (its delivery was learned late). */
function reverseDeviceCharges(
  state: CustomerState,
  device: DeviceState,
  order: OrderState,
  effects: Effects,
  causedBy: string,
): void {
  const why = `order ${order.orderId} was voided before delivery`;
  const before = effects.entries.length;
  reversePayments(state, device, effects, why, causedBy);
  reverseProtectionBeyond(state, device, order, why, effects, causedBy);
  if (effects.entries.length > before) device.billingRound = (device.billingRound ?? 0) + 1;
}

export function applyOrderVoided(state: CustomerState, event: OrderVoidedDetail, effects: Effects): Outcome {
  const order = getOwn(state.orders, event.orderId);
  if (!order) return { outcome: 'pending', reason: `order ${event.orderId} is not known yet` };
  if (order.status === 'rejected')
    return {
      outcome: 'ignored',
      reason: `ORDER_REJECTED: order ${event.orderId} was rejected, there is nothing to void`,
    };
  if (order.status === 'voided')
    return { outcome: 'ignored', reason: `ALREADY_VOIDED: order ${event.orderId} is already void` };
  const voidAt = Date.parse(event.occurredAt);
  const delivered = order.deviceIds
    .map((id) => deviceOf(state, id))
    .find((d) => d.deliveredAt && Date.parse(d.deliveredAt) <= voidAt);
  if (delivered) {
    return {
      outcome: 'ignored',
      reason: `VOID_AFTER_DELIVERY: device ${delivered.deviceId} of order ${event.orderId} was delivered on ${delivered.deliveredOn}; an order can only be voided before delivery`,
    };
  }
  order.status = 'voided';
  order.voided = { at: event.occurredAt, reason: event.reason };
  for (const id of order.deviceIds) reverseDeviceCharges(state, deviceOf(state, id), order, effects, event.eventId);
  return { outcome: 'applied' };
}

export function applyDeviceDelivered(state: CustomerState, event: DeviceDeliveredDetail, effects: Effects): Outcome {
  const order = getOwn(state.orders, event.orderId);
  if (!order) return { outcome: 'pending', reason: `order ${event.orderId} is not known yet` };
  if (!order.deviceIds.includes(event.deviceId))
    return {
      outcome: 'invalid',
      reason: `DEVICE_NOT_IN_ORDER: device ${event.deviceId} is not part of order ${event.orderId}`,
    };
  if (order.status === 'rejected')
    return { outcome: 'ignored', reason: `ORDER_REJECTED: order ${event.orderId} was rejected and is never billed` };
  const device = deviceOf(state, event.deviceId);
  if (device.deliveredAt)
    return {
      outcome: 'ignored',
      reason: `ALREADY_DELIVERED: device ${event.deviceId} was delivered on ${device.deliveredOn}`,
    };
  device.deliveredAt = event.occurredAt;
  device.deliveredOn = jstDate(event.occurredAt);
  if (order.voided && Date.parse(order.voided.at) < Date.parse(event.occurredAt)) {
    // Recorded, not billed: should an earlier delivery refuse the void later, it bills then.
    return { outcome: 'applied', note: `order ${event.orderId} is void: the delivery is recorded and not billed` };
  }
  if (order.voided) {
    // The void was learned first but happened after this delivery: the terms refuse it, so
    // the order is billed as if it had never been voided (the close bills what is due).
    order.status = 'active';
    delete order.voided;
    for (const id of order.deviceIds) billPayoff(state, deviceOf(state, id), effects, event.eventId);
    return {
      outcome: 'applied',
      note: `the void of order ${event.orderId} is refused: device ${event.deviceId} was delivered before it`,
    };
  }
  billPayoff(state, device, effects, event.eventId);
  return { outcome: 'applied' };
}

/** The device with its order. Facts about a device of a void order are recorded all the same. */
function knownDevice(state: CustomerState, deviceId: string): { device: DeviceState; order: OrderState } | Outcome {
  const device = getOwn(state.devices, deviceId);
  if (!device) return unknownDevice(state, deviceId);
  return { device, order: orderOf(state, device) };
}

/**
 * An event naming a device the aggregate has no contract for: one of a rejected order is
 * refused (and kept in the journal, so that a re-derivation in which the order stands
 * applies it); one of no known order waits for it.
 */
export function unknownDevice(state: CustomerState, deviceId: string): Outcome {
  for (const order of Object.values(state.orders)) {
    if (order.status === 'rejected' && order.deviceIds.includes(deviceId)) {
      return {
        outcome: 'ignored',
        reason: `ORDER_REJECTED: device ${deviceId} belongs to order ${order.orderId}, which was rejected (${(order.reasons ?? []).join(', ')})`,
      };
    }
  }
  return { outcome: 'pending', reason: `device ${deviceId} is not known yet` };
}

export function applyPayoffRequested(
  state: CustomerState,
  event: InstallmentPayoffRequestedDetail,
  effects: Effects,
): Outcome {
  const found = knownDevice(state, event.deviceId);
  if ('outcome' in found) return found;
  const { device, order } = found;
  if (device.payment.plan !== 'installments')
    return { outcome: 'ignored', reason: `NOT_ON_INSTALLMENTS: device ${event.deviceId} was bought in one lump sum` };
  if (device.payoff)
    return {
      outcome: 'ignored',
      reason: `ALREADY_PAID_OFF: an early payoff of device ${event.deviceId} was already requested`,
    };
  if (nothingLeftToPayOff(device, event.occurredAt))
    return {
      outcome: 'ignored',
      reason: `NOTHING_TO_PAY_OFF: every installment of device ${event.deviceId} falls due before ${jstMonth(event.occurredAt)}`,
    };
  device.payoff = { requestedAt: event.occurredAt, requestedMonth: jstMonth(event.occurredAt), billed: false };
  if (order.status === 'active') billPayoff(state, device, effects, event.eventId);
  return { outcome: 'applied' };
}

export function applyProtectionCancelled(
  state: CustomerState,
  event: ProtectionCancelledDetail,
  effects: Effects,
): Outcome {
  const found = knownDevice(state, event.deviceId);
  if ('outcome' in found) return found;
  const { device, order } = found;
  const plan = device.protection;
  if (!plan) return { outcome: 'ignored', reason: `NO_PROTECTION: device ${event.deviceId} has no protection plan` };
  if (plan.cancellation)
    return {
      outcome: 'ignored',
      reason: `ALREADY_CANCELLED: protection of device ${event.deviceId} ends with ${plan.cancellation.finalMonth}`,
    };
  plan.cancellation = {
    requestedAt: event.occurredAt,
    requestedMonth: jstMonth(event.occurredAt),
    finalMonth: finalMonthOf(event.occurredAt, event.effectiveDate),
  };
  reverseProtectionBeyond(state, device, order, 'protection was cancelled', effects, event.eventId);
  return { outcome: 'applied' };
}
