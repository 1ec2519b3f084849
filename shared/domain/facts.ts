// Facts the rules rely on once an earlier step has established them: a claim or payment is
// only decided for a delivered device, a device always belongs to a known order. Each says
// what it assumes and fails loudly if it does not hold (`invariant.ts`), where a `!` would
// let `undefined` flow on into an amount.

import type { CalendarDate } from './calendar.ts';
import { present } from './invariant.ts';
import { getOwn } from './records.ts';
import type { CustomerState, DeviceState, OrderState } from './types.ts';

/** The usage start (the JST date of its DeviceDelivered) of a device the caller knows is delivered. */
export const usageStartOf = (device: DeviceState): CalendarDate =>
  present(device.deliveredOn, `device ${device.deviceId} is delivered`);

/** The order of a known device: every device is created by its order. */
export const orderOf = (state: CustomerState, device: DeviceState): OrderState =>
  present(getOwn(state.orders, device.orderId), `order ${device.orderId} of device ${device.deviceId} is known`);

/** A device the caller knows exists (listed by its order, or named by a known claim). */
export const deviceOf = (state: CustomerState, deviceId: string): DeviceState =>
  present(getOwn(state.devices, deviceId), `device ${deviceId} is known`);
