// The audit tells every activity's calls in its own words: the table of summaries beside the activities has a line for
// each activity the worker registers, and reads ids and outcomes from a recorded input and result.
import { describe, expect, it } from 'vitest';
import { createActivities, type ActivityDependencies } from '../../../activities/index.js';
import { ACTIVITY_SUMMARIES, summarizeActivity } from '../../../activities/summaries.js';

describe('activity summaries', () => {
  it('has a summary for every activity', () => {
    // The factories only close over their dependencies: nothing is called while they are built.
    const names = Object.keys(createActivities({} as ActivityDependencies)).sort();
    expect(Object.keys(ACTIVITY_SUMMARIES).sort()).toEqual(names);
  });

  it('tells a call from its input and result, and an unknown activity by name', () => {
    expect(
      summarizeActivity(
        'getLabOrder',
        { orderIdentifier: 'lab1' },
        { status: 'SHIPPED', fulfillment: { status: 'X' } },
      ),
    ).toEqual({ kind: 'vendor.call', summary: 'Onegevity order lab1 read: SHIPPED, fulfillment X' });
    expect(summarizeActivity('notifyPartner', { type: 'order.shipped', id: 'n1' }, undefined)).toEqual({
      kind: 'notification',
      summary: 'partner notified: order.shipped (n1)',
    });
    expect(summarizeActivity('somethingNew', {}, {})).toEqual({
      kind: 'vendor.call',
      summary: 'somethingNew completed',
    });
  });
});
