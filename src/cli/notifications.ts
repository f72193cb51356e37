// `fulfill notifications status | resend`: the partner notification target (PARTNER_WEBHOOK_URL, else the one
// `fulfill dev` recorded in DATA_DIR: src/cli/operator-config.ts). A target failing for PARTNER_WEBHOOK_DISABLE_AFTER
// is disabled and its notifications parked; once the partner's endpoint works again an operator re-enables it and
// re-sends what was parked, oldest first (and the audit trail keeps who and why).
import { WorkflowNotFoundError, WorkflowUpdateFailedError, type Client } from '@temporalio/client';
import type { Command } from 'commander';
import type { EngineConfig } from '../config/env.js';
import { notificationTargetWorkflowId } from '../partner/notification-target.js';
import { resumeDeliveryUpdate, targetStateQuery, type TargetState } from '../../workflows/notifications/messages.js';
import { devNotificationTargetFile, operatorOption } from './operator-config.js';
import { formatAge, print, printJson } from './output.js';
import { CommandFailure, withTemporal } from './temporal-session.js';
import { UsageError } from './usage-error.js';

function targetHandle(client: Client, config: EngineConfig) {
  if (!config.PARTNER_WEBHOOK_URL) {
    throw new UsageError(
      'PARTNER_WEBHOOK_URL is not set, and no `fulfill dev` recorded one in ' +
        `${devNotificationTargetFile(config.DATA_DIR)}: there is no notification target. Set it to the URL the ` +
        'engine sends to, or run this with the DATA_DIR `npm run dev` uses.',
    );
  }
  return client.workflow.getHandle(notificationTargetWorkflowId(config.PARTNER_WEBHOOK_URL));
}

function describe(state: TargetState | undefined): string {
  if (!state) return 'healthy: no delivery to it has failed';
  const lines = [
    state.disabledAt
      ? `DISABLED since ${state.disabledAt}: notifications are parked, not sent`
      : state.failingSince
        ? `failing for ${formatAge(Date.now() - Date.parse(state.failingSince))} (since ${state.failingSince})`
        : 'healthy',
    `parked notifications: ${state.parked}${state.redelivering ? ' (a resend is under way)' : ''}`,
  ];
  if (state.lastFailure) lines.push(`last failure ${state.lastFailureAt ?? '?'}: ${state.lastFailure}`);
  const lastResume = state.resumes.at(-1);
  if (lastResume) {
    lines.push(
      `last resend ${lastResume.at} by ${lastResume.operator} (${lastResume.reason}): ${lastResume.redelivered} re-sent` +
        (lastResume.failure ? `, stopped: ${lastResume.failure}` : ''),
    );
  }
  return lines.join('\n');
}

async function readState(client: Client, config: EngineConfig): Promise<TargetState | undefined> {
  try {
    return await targetHandle(client, config).query(targetStateQuery);
  } catch (error) {
    if (error instanceof WorkflowNotFoundError) return undefined;
    throw error;
  }
}

export function registerNotificationCommands(program: Command): void {
  const notifications = program
    .command('notifications')
    .description('The partner notification target: its state, and the resend after an outage.');

  notifications
    .command('status')
    .description('Whether the target is failing or disabled, and how many notifications are parked.')
    .option('--json', 'print the state as JSON')
    .action(async (flags: { json?: boolean }) => {
      await withTemporal(async (client, config) => {
        const state = await readState(client, config);
        if (flags.json) printJson(state ?? { parked: 0, redelivering: false, resumes: [] });
        else print(describe(state));
      });
    });

  notifications
    .command('resend')
    .description('Enable a disabled (or failing) target again and re-send its parked notifications, oldest first.')
    .addOption(operatorOption('who you are, recorded in the audit trail'))
    .requiredOption('--reason <text>', 'why (e.g. "partner fixed their endpoint")')
    .option('--json', 'print the state as JSON')
    .action(async (flags: { operator: string; reason: string; json?: boolean }) => {
      const operator = flags.operator.trim();
      const reason = flags.reason.trim();
      if (!operator || !reason) throw new UsageError('--operator and --reason must say who and why.');
      await withTemporal(async (client, config) => {
        let state: TargetState;
        try {
          state = await targetHandle(client, config).executeUpdate(resumeDeliveryUpdate, {
            args: [{ operator, reason }],
          });
        } catch (error) {
          if (error instanceof WorkflowNotFoundError) {
            throw new CommandFailure('The target never failed: nothing is parked, nothing to resend.');
          }
          if (error instanceof WorkflowUpdateFailedError) {
            throw new CommandFailure(`Refused: ${error.cause instanceof Error ? error.cause.message : error.message}`);
          }
          throw error;
        }
        if (flags.json) printJson(state);
        else
          print(`Enabled again; re-sending ${state.parked} parked notification(s), oldest first.\n${describe(state)}`);
      });
    });
}
