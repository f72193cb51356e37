// The sandbox without HTTP: one clock, the seeded random streams, both simulators, webhook delivery, faults, tokens,
// the partner directory and notification inbox, and the scenarios, wired together from the engine's configuration.
// State is persisted (debounced, atomically) to a JSON file when one is given, so a restarted `fulfill dev` finds its
// orders where it left them and never reissues an id.
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { honeybeeWebhookUrl, onegevityWebhookUrl, partnerDirectoryFile, type EngineConfig } from '../config/env.js';
import type { Logger } from '../observability/logger.js';
import { honeybeeSecretHeader, signHoneybeeWebhook } from '../vendors/honeybee/webhook-auth.js';
import { signOnegevityWebhook } from '../vendors/onegevity/webhook-auth.js';
import { SandboxClock } from './clock.js';
import { FaultInjector } from './faults.js';

import type { ExceptionActionListing, ExceptionEventType, HoneybeeState, RxResponseShape } from './honeybee/model.js';
import { HoneybeeSimulator, type HoneybeeWorkflowMode } from './honeybee/simulator.js';
import type { OnegevityState, OrderUpdateMode } from './onegevity/model.js';
import { OnegevitySimulator } from './onegevity/simulator.js';
import { PartnerDirectory } from './partner/directory.js';
import { PartnerInbox, type ReceivedNotification } from './partner/inbox.js';
import { generatePerson } from './people.js';
import { RandomStreams } from './random.js';
import { RequestLog } from './requests.js';
import {
  intakeFor,
  scenarioByName,
  scenarioOptions,
  ScenarioError,
  type GeneratedPatient,
  type ScenarioResult,
} from './scenarios.js';
import { TokenIssuer } from './tokens.js';
import { WebhookDispatcher, type WebhookDelivery, type WebhookEvent, type WebhookVendor } from './webhooks/delivery.js';

export interface SandboxCredentials {
  honeybee: { clientId: string; clientSecret: string; webhookSecret?: string };
  onegevity: { clientId: string; clientSecret: string; webhookSecret: string };
}

export interface SandboxCoreOptions {
  config: EngineConfig;
  logger?: Logger;
  /** Where state persists; null keeps it in memory. */
  stateFile?: string | null;
}

interface SandboxSnapshot {
  version: 1;
  seed: number;
  clockOffsetMs: number;
  random: Record<string, number>;
  honeybee: HoneybeeState;
  onegevity: OnegevityState;
  generated: GeneratedPatient[];
  webhooks: { deliveries: WebhookDelivery[]; nextId: number; events: Record<WebhookVendor, number> };
  notifications: ReceivedNotification[];
}

/** Packages the simulated Onegevity sells: identifier → kit elements in the box. */
const PACKAGES: Record<string, number> = { 'KIT-STANDARD': 1, 'KIT-DUAL': 2 };

const SAVE_DEBOUNCE_MS = 100;

/** The credentials the sandbox accepts and signs with: exactly what the engine's configuration holds. */
export function sandboxCredentials(config: EngineConfig): SandboxCredentials {
  const missing = [
    'HONEYBEE_CLIENT_ID',
    'HONEYBEE_CLIENT_SECRET',
    'ONEGEVITY_CLIENT_ID',
    'ONEGEVITY_CLIENT_SECRET',
  ].filter((name) => !config[name as keyof EngineConfig]);
  if (config.ONEGEVITY_WEBHOOK_SECRETS.length === 0) missing.push('ONEGEVITY_WEBHOOK_SECRETS');
  if (missing.length > 0) {
    throw new Error(
      `The sandbox needs ${missing.join(', ')} (the dev defaults are in src/sandbox/dev-credentials.ts; ` +
        'workers/sandbox.ts and `fulfill dev` fill them in when unset).',
    );
  }
  const webhookSecret = config.HONEYBEE_WEBHOOK_SECRETS[0];
  return {
    honeybee: {
      clientId: config.HONEYBEE_CLIENT_ID as string,
      clientSecret: config.HONEYBEE_CLIENT_SECRET as string,
      ...(webhookSecret ? { webhookSecret } : {}),
    },
    onegevity: {
      clientId: config.ONEGEVITY_CLIENT_ID as string,
      clientSecret: config.ONEGEVITY_CLIENT_SECRET as string,
      webhookSecret: config.ONEGEVITY_WEBHOOK_SECRETS[0] as string,
    },
  };
}

export class SandboxCore {
  readonly config: EngineConfig;
  readonly credentials: SandboxCredentials;
  readonly clock: SandboxClock;
  readonly random: RandomStreams;
  readonly faults: FaultInjector;
  readonly tokens: TokenIssuer;
  readonly webhooks: WebhookDispatcher;
  readonly honeybee: HoneybeeSimulator;
  readonly onegevity: OnegevitySimulator;
  readonly directory: PartnerDirectory;
  readonly inbox: PartnerInbox;
  readonly requests = new RequestLog();
  readonly settings: {
    stepDelayMs: number;
    workflowMode: HoneybeeWorkflowMode;
    rxResponseShape: RxResponseShape;
    exceptionEventType: ExceptionEventType;
    exceptionActions: ExceptionActionListing;
    onegevityOrderUpdates: OrderUpdateMode;
  };
  readonly #logger: Logger | undefined;
  readonly #stateFile: string | null;
  #generated: GeneratedPatient[] = [];
  #saveTimer: NodeJS.Timeout | undefined;
  #restoring = false;

  constructor(options: SandboxCoreOptions) {
    const { config } = options;
    this.config = config;
    this.credentials = sandboxCredentials(config);
    this.#logger = options.logger;
    this.#stateFile = options.stateFile ?? null;
    this.settings = {
      stepDelayMs: config.SANDBOX_STEP_DELAY,
      workflowMode: config.HONEYBEE_WORKFLOW_MODE,
      rxResponseShape: 'medication_requests-list',
      exceptionEventType: 'ORDER_EXCEPTION',
      exceptionActions: 'listed',
      onegevityOrderUpdates: 'every-change',
    };
    const saved = this.#load();

    this.clock = new SandboxClock({
      offsetMs: saved?.clockOffsetMs ?? 0,
      onError: (key, error) => this.#logger?.error({ task: key, err: error }, 'sandbox task failed'),
    });
    this.random = new RandomStreams(config.SANDBOX_SEED, saved?.random ?? {});
    this.faults = new FaultInjector(this.clock, this.random.stream('faults'));
    this.tokens = new TokenIssuer(this.clock, this.random.stream('tokens'));
    this.directory = new PartnerDirectory(partnerDirectoryFile(config));
    this.inbox = new PartnerInbox(config.PARTNER_WEBHOOK_SECRETS, () => this.clock.iso());
    const onChange = () => this.#scheduleSave();
    this.webhooks = new WebhookDispatcher({
      clock: this.clock,
      random: this.random.stream('webhooks'),
      sign: (event, target, body) => this.#sign(event, target, body),
      policy: {
        concurrency: config.SANDBOX_WEBHOOK_CONCURRENCY,
        maxAttempts: config.SANDBOX_WEBHOOK_ATTEMPTS,
        backoffMs: config.SANDBOX_WEBHOOK_BACKOFF,
        backoffMaxMs: config.SANDBOX_WEBHOOK_BACKOFF_MAX,
        timeoutMs: config.SANDBOX_WEBHOOK_TIMEOUT,
      },
      targets: { honeybee: honeybeeWebhookUrl(config), onegevity: onegevityWebhookUrl(config) },
      onChange,
      dropRule: (event) => this.faults.decideWebhook({ eventType: event.eventType }),
    });
    const emit = (event: WebhookEvent) => {
      this.webhooks.emit(event);
    };
    this.honeybee = new HoneybeeSimulator({
      clock: this.clock,
      random: this.random,
      emit,
      stepDelayMs: () => this.settings.stepDelayMs,
      workflowMode: () => this.settings.workflowMode,
      rxResponseShape: () => this.settings.rxResponseShape,
      exceptionEvents: () => ({ eventType: this.settings.exceptionEventType, actions: this.settings.exceptionActions }),
      newPatient: () => this.#simulatedPatient(),
      onChange,
      ...(saved ? { state: saved.honeybee } : {}),
    });
    this.onegevity = new OnegevitySimulator({
      clock: this.clock,
      random: this.random,
      emit,
      stepDelayMs: () => this.settings.stepDelayMs,
      orderUpdates: () => this.settings.onegevityOrderUpdates,
      packages: {
        ...PACKAGES,
        [config.ONEGEVITY_PACKAGE_IDENTIFIER]: PACKAGES[config.ONEGEVITY_PACKAGE_IDENTIFIER] ?? 1,
      },
      onChange,
      ...(saved ? { state: saved.onegevity } : {}),
    });
    if (saved) {
      this.#restoring = true;
      this.#generated = saved.generated;
      this.inbox.restore(saved.notifications);
      this.webhooks.restore(saved.webhooks);
      this.honeybee.resume();
      this.onegevity.resume();
      this.#restoring = false;
    }
  }

  /** Runs a named scenario with validated options. Throws ScenarioError for an unknown name or bad options. */
  runScenario(name: string, rawOptions: unknown = {}): ScenarioResult {
    const scenario = scenarioByName(name);
    if (!scenario) throw new ScenarioError(`unknown scenario "${name}" (GET /__sandbox/scenarios lists them)`);
    const parsed = scenarioOptions.safeParse(rawOptions ?? {});
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw new ScenarioError(`invalid scenario option ${issue?.path.join('.') || ''}: ${issue?.message ?? ''}`.trim());
    }
    const result = scenario.run(
      {
        honeybee: this.honeybee,
        onegevity: this.onegevity,
        directory: this.directory,
        faults: this.faults,
        random: this.random,
        clock: this.clock,
        workflowMode: this.settings.workflowMode,
        packageIdentifier: this.config.ONEGEVITY_PACKAGE_IDENTIFIER,
        register: (patient) => {
          this.#generated.push(patient);
        },
        generatedCount: () => this.#generated.length,
      },
      parsed.data,
    );
    this.#scheduleSave();
    this.#logger?.info({ scenario: name }, 'scenario started');
    return result;
  }

  generatedPatients(): GeneratedPatient[] {
    return structuredClone(this.#generated);
  }

  counters() {
    return {
      now: this.clock.iso(),
      honeybee: { ...this.honeybee.counters(), tokensIssued: this.tokens.issuedCounts().honeybee },
      onegevity: { ...this.onegevity.counters(), tokensIssued: this.tokens.issuedCounts().onegevity },
      webhooks: this.webhooks.stats(),
      partner: this.inbox.counts(),
      requests: this.requests.stats(),
    };
  }

  /** Stops timers and deliveries and writes the state one last time. */
  close(): void {
    this.clock.stop();
    this.webhooks.stop();
    if (this.#saveTimer) clearTimeout(this.#saveTimer);
    this.#saveTimer = undefined;
    this.saveNow();
  }

  saveNow(): void {
    if (!this.#stateFile) return;
    const snapshot: SandboxSnapshot = {
      version: 1,
      seed: this.config.SANDBOX_SEED,
      clockOffsetMs: this.clock.offsetMs,
      random: this.random.snapshot(),
      honeybee: this.honeybee.state,
      onegevity: this.onegevity.state,
      generated: this.#generated,
      webhooks: this.webhooks.snapshot(),
      notifications: this.inbox.snapshot(),
    };
    mkdirSync(dirname(this.#stateFile), { recursive: true });
    const temp = `${this.#stateFile}.${process.pid}.tmp`;
    writeFileSync(temp, JSON.stringify(snapshot));
    renameSync(temp, this.#stateFile);
  }

  #scheduleSave(): void {
    if (!this.#stateFile || this.#restoring || this.#saveTimer) return;
    this.#saveTimer = setTimeout(() => {
      this.#saveTimer = undefined;
      try {
        this.saveNow();
      } catch (error) {
        this.#logger?.error({ err: error }, 'could not save the sandbox state');
      }
    }, SAVE_DEBOUNCE_MS);
    this.#saveTimer.unref();
  }

  #load(): SandboxSnapshot | undefined {
    if (!this.#stateFile) return undefined;
    let text: string;
    try {
      text = readFileSync(this.#stateFile, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw error;
    }
    let saved: Partial<SandboxSnapshot>;
    try {
      saved = JSON.parse(text) as Partial<SandboxSnapshot>;
    } catch {
      throw new Error(`${this.#stateFile} is not valid JSON; delete it to start the sandbox afresh`);
    }
    if (saved.version !== 1) {
      throw new Error(`${this.#stateFile} is not a sandbox state file of version 1; delete it to start afresh`);
    }
    return saved as SandboxSnapshot;
  }

  #sign(event: WebhookEvent, target: string, body: string): Record<string, string> {
    const bytes = Buffer.from(body, 'utf8');
    if (event.vendor === 'honeybee') {
      const { clientSecret, webhookSecret } = this.credentials.honeybee;
      return {
        'content-type': 'application/json',
        'user-agent': 'Honeybee-Webhooks (fulfillment-engine sandbox)',
        'x-honeybee-signature': signHoneybeeWebhook(clientSecret, { method: 'POST', url: target, body: bytes }),
        ...(webhookSecret ? { 'x-honeybee-secret': honeybeeSecretHeader(clientSecret, webhookSecret) } : {}),
      };
    }
    return {
      'content-type': 'application/json',
      'user-agent': 'Onegevity-Webhooks (fulfillment-engine sandbox)',
      'x-onegevity-signature': signOnegevityWebhook(this.credentials.onegevity.webhookSecret, bytes),
      'x-onegevity-topic': event.eventType,
    };
  }

  /** A patient for POST /simulate: generated, in the partner directory, like happy-path's. */
  #simulatedPatient() {
    const person = generatePerson(this.random.stream('patients'), {}, new Date(this.clock.now()));
    const suffix = this.random.stream('partner.ids').digits(6);
    const entry = {
      partnerPatientId: `P-${suffix}`,
      ehrId: `EHR-${suffix}`,
      email: person.email,
      firstName: person.firstName,
      lastName: person.lastName,
      dob: person.dob,
      patientSafety: intakeFor({}),
    };
    this.directory.add([entry]);
    const patient = this.honeybee.createPatient(person, entry.ehrId, 'simulate');
    this.#generated.push({
      id: `gp-${this.#generated.length + 1}`,
      scenario: 'simulate',
      vendor: 'honeybee',
      createdAt: this.clock.iso(),
      directory: 'present',
      directoryEntries: [entry],
      honeybeePatientId: patient.patient_id,
      ehrId: entry.ehrId,
      person,
    });
    return patient;
  }
}

export { ScenarioError };
