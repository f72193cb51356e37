// The partner's patient directory, as the engine's port: the prescription workflow matches Honeybee's patient to the
// partner's own patient through it, and order creation reads the patient's intake (patient-safety data) from it. Two
// adapters: HTTP (the partner's backend) and a JSON file (dev and the sandbox). Matching never guesses: EHR id, then
// email, then name + date of birth; none or several matches go to an operator.
import { z } from 'zod';

export const partnerPatientSchema = z.looseObject({
  partnerPatientId: z.string().min(1),
  ehrId: z.string().nullish(),
  email: z.string().nullish(),
  firstName: z.string().nullish(),
  lastName: z.string().nullish(),
  dob: z.string().nullish(),
  /**
   * The partner's intake: `{medications, healthConditions, allergies}`, each a list. Read by patient-safety.ts, which
   * tells "none known" (an empty list) from "not supplied" (missing); kept unparsed here so a malformed intake holds
   * one order instead of failing every directory lookup.
   */
  patientSafety: z.unknown().optional(),
});

export type PartnerPatient = z.infer<typeof partnerPatientSchema>;

export const partnerDirectoryResponseSchema = z.object({ patients: z.array(partnerPatientSchema) });

export type DirectoryQuery =
  | { by: 'partnerPatientId'; partnerPatientId: string }
  | { by: 'ehrId'; ehrId: string }
  | { by: 'email'; email: string }
  | { by: 'nameAndDob'; firstName: string; lastName: string; dob: string };

export interface PartnerPatientDirectory {
  find(query: DirectoryQuery): Promise<PartnerPatient[]>;
}

/** What the engine knows of Honeybee's patient (from GET /patients/{id}). */
export interface PatientIdentity {
  ehrId?: string | null;
  email?: string | null;
  firstName?: string | null;
  lastName?: string | null;
  dob?: string | null;
}

/** How Honeybee's patient is matched (by the partner's own id only when an operator or the engine already knows it). */
export type IdentityQuery = Exclude<DirectoryQuery, { by: 'partnerPatientId' }>;

export type PatientMatch =
  | { outcome: 'matched'; partnerPatientId: string; matchedBy: IdentityQuery['by'] }
  | { outcome: 'not_found'; tried: IdentityQuery['by'][] }
  | { outcome: 'ambiguous'; matchedBy: IdentityQuery['by']; candidates: number };

export function normalizeEmail(email: string): string {
  return email.trim().toLowerCase();
}

export function normalizeName(name: string): string {
  return name.normalize('NFKC').trim().replace(/\s+/g, ' ').toLocaleLowerCase('en-US');
}

/** The lookups to try, in order, for what the patient record carries. */
export function directoryQueries(identity: PatientIdentity): IdentityQuery[] {
  const queries: IdentityQuery[] = [];
  if (identity.ehrId?.trim()) queries.push({ by: 'ehrId', ehrId: identity.ehrId.trim() });
  if (identity.email?.trim()) queries.push({ by: 'email', email: normalizeEmail(identity.email) });
  if (identity.firstName?.trim() && identity.lastName?.trim() && identity.dob?.trim()) {
    queries.push({
      by: 'nameAndDob',
      firstName: identity.firstName.trim(),
      lastName: identity.lastName.trim(),
      dob: identity.dob.trim(),
    });
  }
  return queries;
}

/**
 * Tries each lookup in order and stops at the first that finds anyone: one patient is a match (returned with its
 * record), several are ambiguous (a later, weaker key must not break the tie).
 */
export async function findPartnerPatient(
  directory: PartnerPatientDirectory,
  identity: PatientIdentity,
): Promise<{ match: PatientMatch; patient?: PartnerPatient }> {
  const queries = directoryQueries(identity);
  for (const query of queries) {
    const found = await directory.find(query);
    const distinct = new Set(found.map((patient) => patient.partnerPatientId));
    if (distinct.size === 1) {
      const partnerPatientId = [...distinct][0]!;
      return { match: { outcome: 'matched', partnerPatientId, matchedBy: query.by }, patient: found[0]! };
    }
    if (distinct.size > 1) return { match: { outcome: 'ambiguous', matchedBy: query.by, candidates: distinct.size } };
  }
  return { match: { outcome: 'not_found', tried: queries.map((query) => query.by) } };
}

/** The match alone: what workflows see (the record, with its PHI, stays in the activity). */
export async function matchPartnerPatient(
  directory: PartnerPatientDirectory,
  identity: PatientIdentity,
): Promise<PatientMatch> {
  return (await findPartnerPatient(directory, identity)).match;
}

/** Whether a directory entry answers a query (used by the file adapter and the sandbox's directory endpoint). */
export function patientMatchesQuery(patient: PartnerPatient, query: DirectoryQuery): boolean {
  switch (query.by) {
    case 'partnerPatientId':
      return patient.partnerPatientId === query.partnerPatientId;
    case 'ehrId':
      return patient.ehrId?.trim() === query.ehrId;
    case 'email':
      return Boolean(patient.email) && normalizeEmail(patient.email!) === query.email;
    case 'nameAndDob':
      return (
        Boolean(patient.firstName && patient.lastName) &&
        normalizeName(patient.firstName!) === normalizeName(query.firstName) &&
        normalizeName(patient.lastName!) === normalizeName(query.lastName) &&
        patient.dob?.trim() === query.dob
      );
  }
}
