// What the partner hears of an order's shipments: every dispense's tracking (an order of several prescriptions may
// ship in several parcels, each with its own tracking number and URL), in `order.shipped` and `order.delivered`.
// The first shipment's tracking also stays in the flat fields partners read before split shipments were told.
import type { NotificationScalar, NotificationValue } from '../../src/partner/notifier.js';
import type { ShipmentInfo } from './types.js';

export function shipmentNotificationData(shipments: readonly ShipmentInfo[]): Record<string, NotificationValue> {
  const first = shipments[0];
  return {
    trackingNumber: first?.trackingNo ?? null,
    trackingUrl: first?.trackingUrl ?? null,
    carrier: first?.carrier ?? null,
    shipmentCount: shipments.length,
    shipments: shipments.map((shipment): Record<string, NotificationScalar> => ({
      trackingNumber: shipment.trackingNo ?? null,
      trackingUrl: shipment.trackingUrl ?? null,
      carrier: shipment.carrier ?? null,
      shippedAt: shipment.shippedAt ?? null,
    })),
  };
}

/** The milestone key that records how many shipments an `order.shipped` told: `shipped:{count}`. */
export function shipmentsToldKey(count: number): string {
  return `shipped:${count}`;
}

/**
 * After the first `order.shipped`, the key of one telling shipments the partner has not heard of (a parcel shipped
 * later, told by a later event or poll; or the first tracking, when the order was Shipped before any parcel had
 * one), or undefined. A first `order.shipped` that recorded no count told one shipment: before split shipments were
 * told, it carried the first only.
 */
export function laterShipmentsKey(alreadySent: readonly string[], shipmentCount: number): string | undefined {
  const counts = alreadySent.flatMap((key) => {
    const match = /^shipped:(\d+)$/.exec(key);
    return match ? [Number(match[1])] : [];
  });
  const told = counts.length > 0 ? Math.max(...counts) : 1;
  return shipmentCount > told ? shipmentsToldKey(shipmentCount) : undefined;
}
