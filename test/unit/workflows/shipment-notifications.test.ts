// Split shipments (issue 15.6): every parcel's tracking number and URL reaches the partner, not just the first, and a
// parcel shipped after the first `order.shipped` is told in one of its own.
import { describe, expect, it } from 'vitest';
import {
  laterShipmentsKey,
  shipmentNotificationData,
  shipmentsToldKey,
} from '../../../workflows/honeybee/shipment-notifications.js';
import { partnerNotificationInput } from '../../../workflows/notifications/messages.js';

const USPS = {
  trackingNo: '9400111',
  trackingUrl: 'https://tools.usps.com/go/TrackConfirmAction?tLabels=9400111,9400222',
  carrier: 'USPS',
  shippedAt: '2026-01-02T00:00:00.000Z',
};
const UPS = { trackingNo: '1Z999', trackingUrl: 'https://www.ups.com/track?tracknum=1Z999', carrier: 'UPS' };

describe('what order.shipped and order.delivered say of the shipments', () => {
  it('lists every shipment, keeping the first in the flat fields', () => {
    const data = shipmentNotificationData([USPS, UPS]);
    expect(data).toEqual({
      trackingNumber: '9400111',
      trackingUrl: USPS.trackingUrl,
      carrier: 'USPS',
      shipmentCount: 2,
      shipments: [
        { trackingNumber: '9400111', trackingUrl: USPS.trackingUrl, carrier: 'USPS', shippedAt: USPS.shippedAt },
        { trackingNumber: '1Z999', trackingUrl: UPS.trackingUrl, carrier: 'UPS', shippedAt: null },
      ],
    });
    // A notification parked while the partner's target is disabled keeps the list (its signal's schema takes it).
    const parked = { id: 'n', type: 'order.shipped', occurredAt: 't', data };
    expect(partnerNotificationInput.parse(parked)).toEqual(parked);
    expect(shipmentNotificationData([])).toMatchObject({ trackingNumber: null, shipmentCount: 0, shipments: [] });
  });

  it('tells a shipment the partner has not heard of in an order.shipped of its own', () => {
    // The first order.shipped told two parcels: nothing more until a third.
    expect(laterShipmentsKey(['created', 'shipped', shipmentsToldKey(2)], 2)).toBeUndefined();
    expect(laterShipmentsKey(['created', 'shipped', shipmentsToldKey(2)], 3)).toBe('shipped:3');
    expect(laterShipmentsKey(['shipped', 'shipped:2', 'shipped:3'], 3)).toBeUndefined();
    // Shipped before any parcel had tracking: the first tracking is news.
    expect(laterShipmentsKey(['shipped', shipmentsToldKey(0)], 1)).toBe('shipped:1');
    // An order.shipped sent before this rule (no count recorded) carried the first parcel only.
    expect(laterShipmentsKey(['shipped'], 1)).toBeUndefined();
    expect(laterShipmentsKey(['shipped'], 2)).toBe('shipped:2');
  });
});
