// The patient-safety data a Honeybee order carries (`patient.patient_safety.{medications, health_conditions,
// allergies}`), read from the partner's intake in its patient directory (`patientSafety` on the patient's record).
// An empty list is the partner saying "none known"; a missing list is the partner saying nothing. The two must never
// be confused: a pharmacist reads an empty allergy list as "no known allergies". So a list the partner did not supply
// is reported missing, and what happens then is a setting (HONEYBEE_PATIENT_SAFETY_WHEN_UNKNOWN), not a silent [].
import { z } from 'zod';
import { patientSafetyItemInput as safetyItem } from '../../workflows/honeybee/messages.js';

const LISTS = ['medications', 'healthConditions', 'allergies'] as const;
type ListName = (typeof LISTS)[number];

export type SafetyItem = z.infer<typeof safetyItem>;

export type PatientSafety = Record<ListName, SafetyItem[]>;

export type PatientSafetyReading =
  { supplied: true; safety: PatientSafety } | { supplied: false; missing: string[]; problems: string[] };

/** `HONEYBEE_PATIENT_SAFETY_WHEN_UNKNOWN`: hold the order for an operator, or send empty lists regardless. */
export type PatientSafetyWhenUnknown = 'hold' | 'send-empty';

/** Reads a directory record's `patientSafety`: supplied only when all three lists are there and readable. */
export function readPatientSafety(raw: unknown): PatientSafetyReading {
  if (raw === undefined || raw === null) {
    return { supplied: false, missing: LISTS.map((list) => `patientSafety.${list}`), problems: [] };
  }
  if (typeof raw !== 'object' || Array.isArray(raw)) {
    return { supplied: false, missing: ['patientSafety'], problems: ['patientSafety is not an object'] };
  }
  const record = raw as Record<string, unknown>;
  const missing: string[] = [];
  const problems: string[] = [];
  const safety: Partial<PatientSafety> = {};
  for (const list of LISTS) {
    const value = record[list];
    if (value === undefined || value === null) {
      missing.push(`patientSafety.${list}`);
      continue;
    }
    const parsed = z.array(safetyItem).max(200).safeParse(value);
    if (parsed.success) {
      safety[list] = parsed.data;
    } else {
      missing.push(`patientSafety.${list}`);
      problems.push(`patientSafety.${list} is not a list of names or objects`);
    }
  }
  if (missing.length > 0) return { supplied: false, missing, problems };
  return { supplied: true, safety: safety as PatientSafety };
}

export const EMPTY_PATIENT_SAFETY: PatientSafety = { medications: [], healthConditions: [], allergies: [] };

/** The shape `POST /orders` takes. */
export function honeybeePatientSafety(safety: PatientSafety) {
  return {
    medications: safety.medications,
    health_conditions: safety.healthConditions,
    allergies: safety.allergies,
  };
}
