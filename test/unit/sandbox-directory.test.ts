import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DirectoryFileError, PartnerDirectory } from '../../src/sandbox/partner/directory.js';

const entry = (id: string, email: string | null) => ({
  partnerPatientId: id,
  ehrId: `EHR-${id}`,
  email,
  firstName: 'Riley',
  lastName: 'Example',
  dob: '1990-04-02',
});

describe('partner directory file', () => {
  it('starts empty without a file, adds entries (replacing by id) and finds by each key', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'directory-')), 'nested', 'partner-directory.json');
    const directory = new PartnerDirectory(file);
    expect(directory.read()).toEqual([]);
    directory.add([entry('1', 'riley@example.com'), entry('2', null)]);
    directory.add([{ ...entry('1', 'riley@example.com'), lastName: 'Sample' }]);
    expect((JSON.parse(readFileSync(file, 'utf8')) as { patients: unknown[] }).patients).toHaveLength(2);
    expect(directory.find({ ehrId: 'EHR-2' }).map((p) => p.partnerPatientId)).toEqual(['2']);
    expect(directory.find({ email: 'RILEY@example.com' }).map((p) => p.partnerPatientId)).toEqual(['1']);
    expect(
      directory.find({ firstName: 'riley', lastName: 'example', dob: '1990-04-02' }).map((p) => p.partnerPatientId),
    ).toEqual(['2']);
  });

  it('refuses a file that is not the documented shape', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'directory-')), 'partner-directory.json');
    writeFileSync(file, JSON.stringify({ people: [] }));
    expect(() => new PartnerDirectory(file).read()).toThrow(DirectoryFileError);
    expect(() => new PartnerDirectory(file).add([entry('1', null)])).toThrow(/does not hold/);
  });
});
