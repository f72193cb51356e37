// labReportAccessWorkflow (id onegevity-report-access-{orderIdentifier}-{n}): the audit record of one download of a
// lab report through the partner API: which report of which order, by which API key, when (the history's start
// event). The bridge starts it and waits for it before it streams the report, so no report leaves unrecorded. It
// does nothing else: a record is all it is. Ids only; the report itself never enters Temporal.
import { workflowInfo } from '@temporalio/workflow';
import { z } from 'zod';
import { parseMessageInput } from '../shared/handlers.js';
import { sharedSchema } from '../shared/shared-schemas.js';

export const reportAccessInput = sharedSchema('partner-api/report-access:reportAccessInput', () =>
  z.object({
    orderIdentifier: z.string().regex(/^lab[0-9a-f]{24}$/, 'must be a lab order identifier'),
    reportIdentifier: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'must be a report identifier'),
    /** The partner API key's name (its identity is the starter's too). */
    accessedBy: z.string().min(1).max(200),
  }),
);
export type ReportAccessInput = z.input<typeof reportAccessInput>;

export interface ReportAccessRecord {
  recorded: boolean;
  at: string;
  problem?: string;
}

export async function labReportAccessWorkflow(input: ReportAccessInput): Promise<ReportAccessRecord> {
  const at = new Date(workflowInfo().startTime).toISOString();
  const parsed = parseMessageInput('labReportAccessWorkflow', reportAccessInput, input);
  return parsed.ok ? { recorded: true, at } : { recorded: false, at, problem: parsed.rejection.problem };
}
