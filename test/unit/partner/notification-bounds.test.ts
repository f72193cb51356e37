// A notification's vendor texts cut to what the partner event feed takes, so that it is recorded and sent rather than
// refused for ever (an authentic ORDER_EXCEPTION with a 5,000-character exception name once jammed its order's lane).
import { describe, expect, it } from 'vitest';
import { withinFeedBounds } from '../../../src/partner/notification-bounds.js';
import { sourceWorkflowOf } from '../../../src/partner/event-feed.js';
import {
  feedEventBytes,
  MAX_FEED_EVENT_BYTES,
  MAX_FEED_TEXT,
  partnerFeedEventInput,
} from '../../../workflows/notifications/feed-messages.js';
import type { PartnerNotification } from '../../../src/partner/notifier.js';

const base = { id: 'honeybee-order-HB1:exception', type: 'order.exception', occurredAt: '2026-12-07T00:00:00Z' };
const feedTakes = (notification: PartnerNotification) =>
  partnerFeedEventInput.safeParse({ ...notification, workflowId: sourceWorkflowOf(notification.id) }).success;

describe('withinFeedBounds', () => {
  it('returns a notification the feed takes as it is, the same object', () => {
    const notification = { ...base, data: { orderNumber: 'HB1', exceptionName: 'Allergy Detected', code: 74 } };
    expect(withinFeedBounds(notification)).toBe(notification);
  });

  it('cuts a text over the limit, marked as cut, and leaves the rest as it was', () => {
    const notification = { ...base, data: { orderNumber: 'HB1', exceptionName: 'N'.repeat(5_000), code: 74 } };
    expect(feedTakes(notification)).toBe(false);
    const cut = withinFeedBounds(notification);
    expect(cut.data.exceptionName).toBe(`${'N'.repeat(MAX_FEED_TEXT - 1)}…`);
    expect(cut.data.orderNumber).toBe('HB1');
    expect(cut.data.code).toBe(74);
    expect(cut.id).toBe(base.id);
    expect(feedTakes(cut)).toBe(true);
    expect(notification.data.exceptionName).toHaveLength(5_000);
  });

  it('cuts the texts of a list shorter still while the whole is over the event limit', () => {
    const shipments = Array.from({ length: 100 }, (_, index) => ({
      trackingNo: `1Z${index}`,
      trackingUrl: `https://tracking.example/${'x'.repeat(3_900)}`,
      carrier: 'UPS',
    }));
    const notification = { ...base, data: { orderNumber: 'HB1', shipments } };
    expect(feedTakes(notification)).toBe(false);
    const cut = withinFeedBounds(notification);
    expect(feedTakes(cut)).toBe(true);
    expect(feedEventBytes({ ...cut, workflowId: 'honeybee-order-HB1' })).toBeLessThanOrEqual(MAX_FEED_EVENT_BYTES);
    const first = (cut.data.shipments as { trackingNo: string; trackingUrl: string }[])[0]!;
    expect(first.trackingNo).toBe('1Z0');
    expect(first.trackingUrl.endsWith('…')).toBe(true);
    expect(first.trackingUrl.length).toBeLessThan(3_900);
  });
});
