// Production wiring: builds the real dependencies the activity factory receives (vendor clients, partner directory,
// notifier, a Temporal client) from the configuration. Tests build their own fakes instead.
import type { Client } from '@temporalio/client';
import type { ActivityDependencies } from '../../activities/index.js';
import { isDevelopment, partnerDirectoryFile, type EngineConfig } from '../config/env.js';
import type { Logger } from '../observability/logger.js';
import { FilePatientDirectory } from '../partner/file-directory.js';
import { HttpPatientDirectory } from '../partner/http-directory.js';
import { HttpPartnerNotifier, LoggingPartnerNotifier, type PartnerNotifier } from '../partner/notifier.js';
import { NotificationTarget, TargetGuardedNotifier } from '../partner/notification-target.js';
import { TemporalEventFeed } from '../partner/event-feed.js';
import type { PartnerPatientDirectory } from '../partner/patient-directory.js';
import { createHoneybeeClientFromConfig } from '../vendors/honeybee/client.js';
import { createOnegevityClientFromConfig } from '../vendors/onegevity/client.js';

export function buildPartnerDirectory(config: EngineConfig): PartnerPatientDirectory {
  return config.PARTNER_DIRECTORY_URL
    ? new HttpPatientDirectory({
        baseUrl: config.PARTNER_DIRECTORY_URL,
        apiKey: config.PARTNER_DIRECTORY_API_KEY,
        timeoutMs: config.VENDOR_HTTP_TIMEOUT,
      })
    : new FilePatientDirectory(partnerDirectoryFile(config));
}

/**
 * The partner notifiers: `direct` posts to PARTNER_WEBHOOK_URL (what a resend uses); `notifier` (what workflows'
 * notifications go through) is the same guarded by the target's shared state, so a target failing for
 * PARTNER_WEBHOOK_DISABLE_AFTER is disabled and its notifications parked. Without a URL both only log.
 */
export function buildPartnerNotifiers(
  config: EngineConfig,
  logger: Logger,
  temporal: Client,
): { notifier: PartnerNotifier; direct: PartnerNotifier } {
  if (config.PARTNER_WEBHOOK_URL && config.PARTNER_WEBHOOK_SECRETS.length > 0) {
    const direct = new HttpPartnerNotifier({
      url: config.PARTNER_WEBHOOK_URL,
      secrets: config.PARTNER_WEBHOOK_SECRETS,
      timeoutMs: config.VENDOR_HTTP_TIMEOUT,
      requireHttps: !isDevelopment(config),
    });
    const target = new NotificationTarget({
      client: temporal,
      taskQueue: config.TEMPORAL_TASK_QUEUE,
      url: config.PARTNER_WEBHOOK_URL,
    });
    const notifier = new TargetGuardedNotifier({
      target,
      direct,
      disableAfterMs: config.PARTNER_WEBHOOK_DISABLE_AFTER,
      logger,
    });
    return { notifier, direct };
  }
  if (config.PARTNER_WEBHOOK_URL) {
    logger.warn('PARTNER_WEBHOOK_URL is set without PARTNER_WEBHOOK_SECRETS: notifications are only logged');
  }
  const logging = new LoggingPartnerNotifier(logger);
  return { notifier: logging, direct: logging };
}

export function buildActivityDependencies(
  config: EngineConfig,
  logger: Logger,
  temporal: Client,
): ActivityDependencies {
  const notifiers = buildPartnerNotifiers(config, logger, temporal);
  return {
    honeybee: createHoneybeeClientFromConfig(config),
    onegevity: createOnegevityClientFromConfig(config),
    directory: buildPartnerDirectory(config),
    patientSafetyWhenUnknown: config.HONEYBEE_PATIENT_SAFETY_WHEN_UNKNOWN,
    createInDoubtRecheckMs: config.HONEYBEE_CREATE_IN_DOUBT_RECHECK,
    notifier: notifiers.notifier,
    redeliveryNotifier: notifiers.direct,
    feed: new TemporalEventFeed(temporal, config.TEMPORAL_TASK_QUEUE),
    temporal,
    logger,
    rxSweepMaxAgeMs: config.HONEYBEE_RX_SWEEP_MAX_AGE,
  };
}
