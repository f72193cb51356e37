// A notification cut to what the partner event feed takes, before it is recorded there and sent: its texts come from
// the vendors (an exception's name, a tracking URL), and one the feed refused was retried for ever, holding up every
// later notification of its workflow. The feed and the partner's webhook get the same, cut, notification.
import { boundedText } from '../domain/bounded-text.js';
import { feedEventBytes, MAX_FEED_EVENT_BYTES, MAX_FEED_TEXT } from '../../workflows/notifications/feed-messages.js';
import { sourceWorkflowOf } from './event-feed.js';
import type { PartnerNotification } from './notifier.js';

/** The shortest a text is cut to while the whole is still over the feed's event limit. */
const SHORTEST_CUT = 64;

type Field = PartnerNotification['data'][string];

function cutField(value: Field, max: number): Field {
  if (typeof value === 'string') return boundedText(value, max);
  if (!Array.isArray(value)) return value;
  return value.map((record) =>
    Object.fromEntries(
      Object.entries(record).map(([key, item]) => [key, typeof item === 'string' ? boundedText(item, max) : item]),
    ),
  );
}

function cutData(data: PartnerNotification['data'], max: number): PartnerNotification['data'] {
  return Object.fromEntries(Object.entries(data).map(([key, value]) => [key, cutField(value, max)]));
}

function longestText(data: PartnerNotification['data']): number {
  let longest = 0;
  for (const value of Object.values(data)) {
    if (typeof value === 'string') longest = Math.max(longest, value.length);
    else if (Array.isArray(value)) {
      for (const record of value) {
        for (const item of Object.values(record))
          if (typeof item === 'string') longest = Math.max(longest, item.length);
      }
    }
  }
  return longest;
}

/**
 * The notification with every text in its data at most MAX_FEED_TEXT characters, and shorter still (halving, down to
 * SHORTEST_CUT) while its JSON is over the feed's event limit. The same object when nothing needed cutting.
 */
export function withinFeedBounds(notification: PartnerNotification): PartnerNotification {
  const size = (data: PartnerNotification['data']) =>
    feedEventBytes({ ...notification, data, workflowId: sourceWorkflowOf(notification.id) });
  const fits = (data: PartnerNotification['data'], max: number) =>
    longestText(data) <= max && size(data) <= MAX_FEED_EVENT_BYTES;
  if (fits(notification.data, MAX_FEED_TEXT)) return notification;
  let max = MAX_FEED_TEXT;
  let data = cutData(notification.data, max);
  while (!fits(data, max) && max > SHORTEST_CUT) {
    max = Math.max(SHORTEST_CUT, Math.floor(max / 2));
    data = cutData(notification.data, max);
  }
  return { ...notification, data };
}
