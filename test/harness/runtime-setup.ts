// Per test process: the Temporal SDK logs only warnings and errors, so test output shows test results.
import { DefaultLogger, Runtime } from '@temporalio/worker';

Runtime.install({ logger: new DefaultLogger('WARN') });
