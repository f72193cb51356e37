// The partner's patient directory as a JSON file (docs/WIRE-CONTRACT.md, "Partner backend"):
// `{"patients":[{"partnerPatientId","ehrId","email","firstName","lastName","dob","patientSafety"}]}`, where
// `patientSafety` is the partner's intake `{medications, healthConditions, allergies}` (absent: none supplied). The
// engine's file adapter reads the same file; the sandbox adds the patients it generates and answers
// `POST /partner/patients/search` from it. The file is
// read on every lookup, so hand edits count, and written atomically (temp file + rename).
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { z } from 'zod';

export const directoryPatient = z.object({
  partnerPatientId: z.string().min(1),
  ehrId: z.string().min(1).nullable(),
  email: z.string().nullable(),
  firstName: z.string(),
  lastName: z.string(),
  dob: z.string(),
  /** Kept exactly as written (a hand edit may be malformed on purpose: the engine must then hold the order). */
  patientSafety: z.unknown().optional(),
});

export type DirectoryPatient = z.infer<typeof directoryPatient>;

/** The intake the sandbox writes for the patients it generates. */
export interface IntakeSafety {
  medications: string[];
  healthConditions: string[];
  allergies: string[];
}

const directoryFile = z.object({ patients: z.array(directoryPatient) });

export type DirectoryQuery =
  | { partnerPatientId: string }
  | { ehrId: string }
  | { email: string }
  | { firstName: string; lastName: string; dob: string };

export class DirectoryFileError extends Error {
  override name = 'DirectoryFileError';
}

export class PartnerDirectory {
  readonly file: string;

  constructor(file: string) {
    this.file = file;
  }

  read(): DirectoryPatient[] {
    let text: string;
    try {
      text = readFileSync(this.file, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw error;
    }
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      throw new DirectoryFileError(`${this.file} is not valid JSON`);
    }
    const parsed = directoryFile.safeParse(json);
    if (!parsed.success) {
      throw new DirectoryFileError(
        `${this.file} does not hold {"patients":[…]}: ${parsed.error.issues[0]?.message ?? 'invalid'}`,
      );
    }
    return parsed.data.patients;
  }

  /** Adds entries (replacing any with the same partnerPatientId). */
  add(entries: readonly DirectoryPatient[]): void {
    const ids = new Set(entries.map((entry) => entry.partnerPatientId));
    const patients = [...this.read().filter((entry) => !ids.has(entry.partnerPatientId)), ...entries];
    mkdirSync(dirname(this.file), { recursive: true });
    const temp = `${this.file}.${process.pid}.tmp`;
    writeFileSync(temp, `${JSON.stringify({ patients }, null, 2)}\n`);
    renameSync(temp, this.file);
  }

  find(query: DirectoryQuery): DirectoryPatient[] {
    const same = (a: string | null, b: string) => a !== null && a.trim().toLowerCase() === b.trim().toLowerCase();
    return this.read().filter((entry) => {
      if ('partnerPatientId' in query) return entry.partnerPatientId === query.partnerPatientId;
      if ('ehrId' in query) return entry.ehrId === query.ehrId;
      if ('email' in query) return same(entry.email, query.email);
      return same(entry.firstName, query.firstName) && same(entry.lastName, query.lastName) && entry.dob === query.dob;
    });
  }
}
