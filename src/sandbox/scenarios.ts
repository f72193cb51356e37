// Named scenarios: each generates a synthetic patient with the traits it needs, puts them in the partner directory
// (or not, or twice), and starts the story at the vendor: a new e-prescription announced by RX_RECEIVED, or a kit plan
// (and optionally a kit order) at Onegevity. The result says what was generated and what will happen next.
import { z } from 'zod';
import { EXCEPTION_REASONS } from '../domain/honeybee-exception-reasons.js';
import type { SandboxClock } from './clock.js';
import { durationInput } from './durations.js';
import type { FaultInjector, FaultRule } from './faults.js';
import type { HoneybeeSimulator, HoneybeeWorkflowMode } from './honeybee/simulator.js';
import type { PlannedHold } from './honeybee/model.js';
import type { KitPlan, PatientInformation } from './onegevity/model.js';
import type { OnegevitySimulator } from './onegevity/simulator.js';
import { allergensOf } from './honeybee/catalog.js';
import type { MedicationRequest } from './honeybee/model.js';
import type { DirectoryPatient, IntakeSafety, PartnerDirectory } from './partner/directory.js';
import { generatePerson, type AddressTrait, type SyntheticPerson } from './people.js';
import type { RandomStreams } from './random.js';
import type { Vendor } from '../domain/vendors.js';

export const scenarioOptions = z.strictObject({
  gender: z.enum(['M', 'F', 'N']).optional(),
  state: z
    .string()
    .regex(/^[A-Z]{2}$/, 'a two-letter state code')
    .optional(),
  /** null: the patient has no email on file. */
  email: z.union([z.email(), z.null()]).optional(),
  refills: z.number().int().min(0).max(11).optional(),
  /** How many prescriptions arrive in the RX_RECEIVED. */
  medications: z.number().int().min(1).max(5).optional(),
  controlled: z.boolean().optional(),
  /** Honeybee workflow for this prescription; default HONEYBEE_WORKFLOW_MODE. */
  mode: z.enum(['automatic', 'partner_requested']).optional(),
  /** Exception reason id (64–80 are Honeybee's; others test the open set). */
  reason: z.number().int().positive().optional(),
  /** Several exceptions, raised one after another as each is resolved. */
  reasons: z.array(z.number().int().positive()).min(1).max(10).optional(),
  holdAt: z.enum(['Processing', 'Filling']).optional(),
  /** vendor-outage: how long (sandbox time). */
  duration: durationInput.optional(),
  /** vendor-outage: which vendor is down. */
  vendor: z.enum(['honeybee', 'onegevity', 'both']).optional(),
  /** kit-rejected: how many fulfillment requests of each order are rejected. */
  times: z.number().int().min(1).max(10).optional(),
  rejectReason: z.string().min(1).max(200).optional(),
  /** Who activates the kit once shipped. */
  activation: z.enum(['patient', 'api', 'never']).optional(),
  /** Kit scenarios: also create the kit order at Onegevity (as if the engine had). */
  createOrder: z.boolean().optional(),
  packageIdentifier: z.string().min(1).optional(),
  /** The partner's intake: allergies it lists for the patient (default none known). */
  allergies: z.array(z.string().trim().min(1).max(100)).max(10).optional(),
  /** `missing`: the partner's directory record has no patient-safety intake at all. Default `supplied`. */
  intake: z.enum(['supplied', 'missing']).optional(),
});

export type ScenarioOptions = z.infer<typeof scenarioOptions>;
/** Scenario options as callers write them (durations may be strings like `5m`). */
export type ScenarioInput = z.input<typeof scenarioOptions>;

export type DirectoryPresence = 'present' | 'absent' | 'ambiguous';

export interface GeneratedPatient {
  id: string;
  scenario: string;
  vendor: Vendor;
  createdAt: string;
  directory: DirectoryPresence;
  /** The partner directory entries made for this patient (two when ambiguous, none when absent). */
  directoryEntries: DirectoryPatient[];
  honeybeePatientId?: number;
  ehrId?: string | null;
  /** Onegevity's patientIdentifier (the partner's id). */
  patientIdentifier?: string;
  person: SyntheticPerson;
  prescriptionIds?: number[];
}

export interface ScenarioResult {
  scenario: string;
  patient: GeneratedPatient;
  prescriptionIds?: number[];
  /** Set when Automatic Processing created the order. */
  orderNumber?: string;
  plannedHolds?: PlannedHold[];
  kitPlan?: KitPlan;
  /** The Onegevity patientInformation for this patient, ready for a kit order. */
  patientInformation?: PatientInformation;
  kitOrder?: { orderIdentifier: string; patientIdentifier: string };
  faults?: FaultRule[];
  /** What the sandbox will do next, in words. */
  expect: string;
}

export interface ScenarioContext {
  honeybee: HoneybeeSimulator;
  onegevity: OnegevitySimulator;
  directory: PartnerDirectory;
  faults: FaultInjector;
  random: RandomStreams;
  clock: SandboxClock;
  workflowMode: HoneybeeWorkflowMode;
  packageIdentifier: string;
  register(patient: GeneratedPatient): void;
  generatedCount(): number;
}

export interface ScenarioDefinition {
  name: string;
  vendor: Vendor;
  description: string;
  run(context: ScenarioContext, options: ScenarioOptions): ScenarioResult;
}

export class ScenarioError extends Error {
  override name = 'ScenarioError';
}

const DEFAULT_OUTAGE_MS = 5 * 60_000;

// ------------------------------------------------------------------------------------------------ Honeybee

function partnerIds(context: ScenarioContext): { partnerPatientId: string; ehrId: string } {
  const random = context.random.stream('partner.ids');
  const suffix = random.digits(6);
  return { partnerPatientId: `P-${suffix}`, ehrId: `EHR-${suffix}` };
}

/** The partner's intake for a generated patient: none known unless the scenario lists allergies. */
export function intakeFor(options: ScenarioOptions): IntakeSafety | undefined {
  if (options.intake === 'missing') return undefined;
  return { medications: [], healthConditions: [], allergies: [...(options.allergies ?? [])] };
}

function directoryEntry(
  person: SyntheticPerson,
  partnerPatientId: string,
  ehrId: string,
  intake: IntakeSafety | undefined,
): DirectoryPatient {
  return {
    partnerPatientId,
    ehrId,
    email: person.email,
    firstName: person.firstName,
    lastName: person.lastName,
    dob: person.dob,
    ...(intake ? { patientSafety: intake } : {}),
  };
}

function prescriptionScenario(
  context: ScenarioContext,
  name: string,
  options: ScenarioOptions,
  setup: {
    directory: DirectoryPresence;
    address?: AddressTrait;
    plannedHolds?: PlannedHold[];
    /** Intake allergies derived from the prescriptions (e.g. one to the prescribed drug). */
    allergiesFor?: (requests: readonly MedicationRequest[]) => string[];
    expect: string;
  },
): ScenarioResult {
  const person = generatePerson(
    context.random.stream('patients'),
    {
      ...(options.gender ? { gender: options.gender } : {}),
      ...(options.state ? { state: options.state } : {}),
      ...(options.email !== undefined ? { email: options.email } : {}),
      ...(setup.address ? { address: setup.address } : {}),
    },
    new Date(context.clock.now()),
  );
  const ids = partnerIds(context);
  const twin = setup.directory === 'ambiguous' ? partnerIds(context) : undefined;
  // Two partner records share the email, name and date of birth, and Honeybee knows no EHR id to tell them apart.
  const ehrId: string | null = twin ? null : ids.ehrId;
  const patient = context.honeybee.createPatient(person, ehrId, name);
  const requests = context.honeybee.createPrescriptions(patient.patient_id, {
    count: options.medications ?? 1,
    ...(options.refills !== undefined ? { refills: options.refills } : {}),
    ...(options.controlled !== undefined ? { controlled: options.controlled } : {}),
    plannedHolds: setup.plannedHolds ?? [],
    scenario: name,
  });
  const derived = setup.allergiesFor?.(requests) ?? [];
  const intake = intakeFor({ ...options, allergies: [...(options.allergies ?? []), ...derived] });
  let entries: DirectoryPatient[] = [];
  if (setup.directory === 'present') entries = [directoryEntry(person, ids.partnerPatientId, ids.ehrId, intake)];
  if (twin) {
    entries = [
      directoryEntry(person, ids.partnerPatientId, ids.ehrId, intake),
      directoryEntry(person, twin.partnerPatientId, twin.ehrId, intake),
    ];
  }
  // Written before RX_RECEIVED goes out, so the engine finds the patient when it matches.
  if (entries.length > 0) context.directory.add(entries);
  const prescriptionIds = requests.map((request) => request.id);
  const generated: GeneratedPatient = {
    id: `gp-${context.generatedCount() + 1}`,
    scenario: name,
    vendor: 'honeybee',
    createdAt: context.clock.iso(),
    directory: setup.directory,
    directoryEntries: entries,
    honeybeePatientId: patient.patient_id,
    ehrId,
    person,
    prescriptionIds,
  };
  context.register(generated);
  const orderNumber = context.honeybee.receivePrescriptions(
    patient.patient_id,
    prescriptionIds,
    options.mode ?? context.workflowMode,
  );
  return {
    scenario: name,
    patient: generated,
    prescriptionIds,
    ...(orderNumber ? { orderNumber } : {}),
    ...(setup.plannedHolds && setup.plannedHolds.length > 0 ? { plannedHolds: setup.plannedHolds } : {}),
    expect: setup.expect,
  };
}

function plannedHolds(options: ScenarioOptions, fallback?: number): PlannedHold[] {
  const reasons = options.reasons ?? (options.reason !== undefined ? [options.reason] : fallback ? [fallback] : []);
  if (reasons.length === 0) throw new ScenarioError('the exception scenario needs a reason (e.g. reason: 74)');
  return reasons.map((reasonId) => ({ reasonId, at: options.holdAt ?? 'Processing' }));
}

const HOLD_EXPECTATION =
  'RX_RECEIVED now; once ordered, the order goes On Hold (RX_UPDATED + ORDER_EXCEPTION with its order_actions) ' +
  'and waits for an offered order action';

function exceptionScenario(reasonId: number, reasonName: string): ScenarioDefinition {
  return {
    name: `exception-${reasonId}`,
    vendor: 'honeybee',
    description: `Happy-path patient whose first order goes On Hold with ${reasonId} ${reasonName}`,
    run: (context, options) =>
      prescriptionScenario(context, `exception-${reasonId}`, options, {
        directory: 'present',
        plannedHolds: plannedHolds({ ...options, reason: options.reason ?? reasonId }),
        expect: HOLD_EXPECTATION,
      }),
  };
}

// ------------------------------------------------------------------------------------------------ Onegevity

function toPatientInformation(person: SyntheticPerson): PatientInformation {
  return {
    firstName: person.firstName,
    lastName: person.lastName,
    gender: person.gender === 'F' ? 'FEMALE' : person.gender === 'M' ? 'MALE' : 'UNKNOWN',
    dateOfBirth: person.dob,
    email: person.email ?? `${person.firstName}.${person.lastName}@example.com`.toLowerCase(),
    address: {
      streetAddress1: person.address.street1,
      streetAddress2: person.address.street2,
      city: person.address.city,
      region: person.address.state,
      country: 'US',
      postalCode: person.address.zip,
    },
    phoneNumber: person.phone,
  };
}

function kitScenario(
  context: ScenarioContext,
  name: string,
  options: ScenarioOptions,
  plan: Partial<KitPlan>,
  expect: string,
): ScenarioResult {
  const person = generatePerson(
    context.random.stream('patients'),
    {
      ...(options.gender ? { gender: options.gender } : {}),
      ...(options.state ? { state: options.state } : {}),
      ...(options.email ? { email: options.email } : {}),
    },
    new Date(context.clock.now()),
  );
  const ids = partnerIds(context);
  const entries = [directoryEntry(person, ids.partnerPatientId, ids.ehrId, intakeFor(options))];
  context.directory.add(entries);
  const kitPlan = context.onegevity.setPlan(ids.partnerPatientId, {
    ...plan,
    ...(options.activation ? { activation: options.activation } : {}),
    scenario: name,
  });
  const patientInformation = toPatientInformation(person);
  const generated: GeneratedPatient = {
    id: `gp-${context.generatedCount() + 1}`,
    scenario: name,
    vendor: 'onegevity',
    createdAt: context.clock.iso(),
    directory: 'present',
    directoryEntries: entries,
    ehrId: ids.ehrId,
    patientIdentifier: ids.partnerPatientId,
    person,
  };
  context.register(generated);
  let kitOrder: ScenarioResult['kitOrder'];
  if (options.createOrder) {
    const orderIdentifier = `lab${context.random.stream('onegevity.ids').hex(24)}`;
    const reply = context.onegevity.createOrder('sandbox-scenario', ids.partnerPatientId, {
      orderIdentifier,
      packageIdentifier: options.packageIdentifier ?? context.packageIdentifier,
      patientInformation,
      fulfillmentInformation: {
        recipientFirstName: patientInformation.firstName,
        recipientLastName: patientInformation.lastName,
        recipientPhoneNumber: patientInformation.phoneNumber,
        shippingMethod: 'GROUND',
        shippingAddress: patientInformation.address,
      },
    });
    if (reply.status !== 201) throw new ScenarioError(`the kit order was refused: ${JSON.stringify(reply.body)}`);
    kitOrder = { orderIdentifier, patientIdentifier: ids.partnerPatientId };
  }
  return {
    scenario: name,
    patient: generated,
    kitPlan,
    patientInformation,
    ...(kitOrder ? { kitOrder } : {}),
    expect,
  };
}

// ------------------------------------------------------------------------------------------------ catalogue

export const SCENARIOS: readonly ScenarioDefinition[] = [
  {
    name: 'happy-path',
    vendor: 'honeybee',
    description: 'A patient in the partner directory gets a new e-prescription; the order ships and is delivered',
    run: (context, options) =>
      prescriptionScenario(context, 'happy-path', options, {
        directory: 'present',
        expect:
          'RX_RECEIVED now; each order then moves Processing → Filling → Shipped → Delivered, one step per step delay',
      }),
  },
  {
    name: 'exception',
    vendor: 'honeybee',
    description: 'Like happy-path, but the first order goes On Hold with the given reason(s) (reason / reasons)',
    run: (context, options) =>
      prescriptionScenario(context, 'exception', options, {
        directory: 'present',
        plannedHolds: plannedHolds(options),
        expect: HOLD_EXPECTATION,
      }),
  },
  ...EXCEPTION_REASONS.map((reason) => exceptionScenario(reason.id, reason.name)),
  {
    name: 'allergy-from-intake',
    vendor: 'honeybee',
    description:
      "The partner's intake lists an allergy to the prescribed drug: an order sent with it goes On Hold, 74 Allergy Detected",
    run: (context, options) =>
      prescriptionScenario(context, 'allergy-from-intake', options, {
        directory: 'present',
        allergiesFor: (requests) => requests.slice(0, 1).map((request) => allergensOf(request)[0] ?? request.drug_name),
        expect:
          'RX_RECEIVED now; a POST /orders whose patient_safety.allergies names the drug goes On Hold with ' +
          '74 Allergy Detected (an order sent without the intake does not)',
      }),
  },
  {
    name: 'address-rejected',
    vendor: 'honeybee',
    description:
      "The patient's address on file cannot be found: POST /orders answers 422 (42230) unless another address is given",
    run: (context, options) =>
      prescriptionScenario(context, 'address-rejected', options, {
        directory: 'present',
        address: 'undeliverable',
        expect:
          'RX_RECEIVED now; POST /orders without a corrected address answers 422 code 42230 ' +
          '(under Automatic Processing the order goes On Hold with 77 Address Invalid instead)',
      }),
  },
  {
    name: 'patient-not-found',
    vendor: 'honeybee',
    description: 'A new e-prescription for a patient the partner directory does not know',
    run: (context, options) =>
      prescriptionScenario(context, 'patient-not-found', options, {
        directory: 'absent',
        expect: 'RX_RECEIVED now; no partner directory entry matches the patient by ehr_id, email or name and dob',
      }),
  },
  {
    name: 'ambiguous-patient',
    vendor: 'honeybee',
    description: 'A new e-prescription for a patient who matches two partner directory entries',
    run: (context, options) =>
      prescriptionScenario(context, 'ambiguous-patient', options, {
        directory: 'ambiguous',
        expect: 'RX_RECEIVED now; the patient has no ehr_id and two directory entries share their email, name and dob',
      }),
  },
  {
    name: 'vendor-outage',
    vendor: 'honeybee',
    description:
      'Every endpoint of the vendor(s) answers 503 for a while (duration, default 5m sandbox time); with Honeybee down, a happy-path prescription arrives too',
    run: (context, options) => {
      const durationMs = options.duration ?? DEFAULT_OUTAGE_MS;
      const vendor = options.vendor ?? 'both';
      const patterns = vendor === 'both' ? ['honeybee.*', 'onegevity.*'] : [`${vendor}.*`];
      const faults = patterns.map((endpoint) => context.faults.add({ endpoint, rate503: 1, duration: durationMs }));
      const expect = `every ${vendor === 'both' ? 'vendor' : vendor} endpoint answers 503 for ${durationMs} ms of sandbox time`;
      const base =
        vendor === 'onegevity'
          ? kitScenario(context, 'vendor-outage', options, {}, expect)
          : prescriptionScenario(context, 'vendor-outage', options, { directory: 'present', expect });
      return { ...base, faults };
    },
  },
  {
    name: 'kit-happy-path',
    vendor: 'onegevity',
    description: 'A partner patient whose kit order is accepted, shipped, activated, and whose results are released',
    run: (context, options) =>
      kitScenario(
        context,
        'kit-happy-path',
        options,
        {},
        'kit orders for this patient: fulfillment accepted → shipped → kit activated → at lab → results released',
      ),
  },
  {
    name: 'kit-rejected',
    vendor: 'onegevity',
    description: 'Kit orders for this patient have their fulfillment request rejected (times, rejectReason)',
    run: (context, options) =>
      kitScenario(
        context,
        'kit-rejected',
        options,
        {
          rejectFirst: options.times ?? 1,
          ...(options.rejectReason ? { rejectReason: options.rejectReason } : {}),
        },
        `the first ${options.times ?? 1} fulfillment request(s) of each kit order are rejected (fulfillment.rejected), later ones accepted`,
      ),
  },
  {
    name: 'kit-never-activated',
    vendor: 'onegevity',
    description: 'Kit orders for this patient ship, but the patient never activates the kit',
    run: (context, options) =>
      kitScenario(
        context,
        'kit-never-activated',
        options,
        { activation: 'never' },
        'the kit ships (fulfillment.shipped) and then nothing happens unless the kit is activated through the API',
      ),
  },
];

const BY_NAME = new Map(SCENARIOS.map((scenario) => [scenario.name, scenario]));

export function scenarioByName(name: string): ScenarioDefinition | undefined {
  return BY_NAME.get(name);
}
