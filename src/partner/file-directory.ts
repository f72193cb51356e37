// The file-backed partner directory for dev and the sandbox: `{"patients": [...]}`, read on every lookup so patients
// the sandbox adds are visible at once. A missing file is an empty directory; a malformed one is an error.
import { readFile } from 'node:fs/promises';
import {
  partnerDirectoryResponseSchema,
  patientMatchesQuery,
  type DirectoryQuery,
  type PartnerPatient,
  type PartnerPatientDirectory,
} from './patient-directory.js';

export class FilePatientDirectory implements PartnerPatientDirectory {
  constructor(private readonly path: string) {}

  async find(query: DirectoryQuery): Promise<PartnerPatient[]> {
    let text: string;
    try {
      text = await readFile(this.path, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw error;
    }
    const parsed = partnerDirectoryResponseSchema.safeParse(JSON.parse(text));
    if (!parsed.success) {
      throw new Error(`partner directory file ${this.path} is not {"patients": [{"partnerPatientId", …}]}`);
    }
    return parsed.data.patients.filter((patient) => patientMatchesQuery(patient, query));
  }
}
