// Synthetic people for generated patients: names from a small list, emails at example.com (reserved for examples),
// phones in 555-0100…0199 (reserved for fiction), made-up street numbers. Nothing here is a real person's data.
// Address traits make the sandbox's address checks answer as a scenario needs (see honeybee/addresses.ts).
import type { SeededRandom } from './random.js';

export type Gender = 'M' | 'F' | 'N';

/** valid | undeliverable (Honeybee 42230 "address not found") | unshippable_state (42231) | po_box. */
export type AddressTrait = 'valid' | 'undeliverable' | 'unshippable_state' | 'po_box';

export interface SyntheticAddress {
  street1: string;
  street2: string | null;
  city: string;
  state: string;
  zip: string;
}

export interface SyntheticPerson {
  firstName: string;
  lastName: string;
  dob: string;
  gender: Gender;
  email: string | null;
  phone: string;
  address: SyntheticAddress;
}

export interface PersonTraits {
  gender?: Gender;
  /** Two-letter state of the shipping address. */
  state?: string;
  dob?: string;
  /** null: the patient has no email on file. */
  email?: string | null;
  address?: AddressTrait;
}

const FIRST_NAMES: Record<Gender, readonly string[]> = {
  F: ['Avery', 'Jordan', 'Riley', 'Morgan', 'Quinn', 'Harper', 'Rowan', 'Sage', 'Emerson', 'Finley'],
  M: ['Casey', 'Reese', 'Parker', 'Drew', 'Hayden', 'Jesse', 'Logan', 'Micah', 'Robin', 'Skyler'],
  N: ['Alex', 'Charlie', 'Dakota', 'Jamie', 'Kai', 'Remy', 'River', 'Shay', 'Taylor', 'Wren'],
};

const LAST_NAMES = [
  'Sandbox',
  'Example',
  'Testwell',
  'Placeholder',
  'Mockridge',
  'Samplewood',
  'Demoford',
  'Fixture',
  'Blankwell',
  'Synthetica',
] as const;

const STREETS = ['Example Ave', 'Sample St', 'Test Blvd', 'Fixture Way', 'Placeholder Rd', 'Demo Ct'] as const;

const CITIES: readonly { city: string; state: string; zip: string }[] = [
  { city: 'San Francisco', state: 'CA', zip: '94107' },
  { city: 'Austin', state: 'TX', zip: '78701' },
  { city: 'Denver', state: 'CO', zip: '80202' },
  { city: 'Portland', state: 'OR', zip: '97205' },
  { city: 'Chicago', state: 'IL', zip: '60601' },
  { city: 'Boston', state: 'MA', zip: '02110' },
  { city: 'Miami', state: 'FL', zip: '33130' },
  { city: 'Seattle', state: 'WA', zip: '98101' },
];

const UNSHIPPABLE = { city: 'San Juan', state: 'PR', zip: '00901' };

function pad(value: number, width = 2): string {
  return String(value).padStart(width, '0');
}

export function generatePerson(random: SeededRandom, traits: PersonTraits = {}, today = new Date()): SyntheticPerson {
  const gender = traits.gender ?? random.pick<Gender>(['F', 'M', 'F', 'M', 'N']);
  const firstName = random.pick(FIRST_NAMES[gender]);
  const lastName = random.pick(LAST_NAMES);
  const dob =
    traits.dob ?? `${today.getUTCFullYear() - random.int(21, 80)}-${pad(random.int(1, 12))}-${pad(random.int(1, 28))}`;
  const tag = random.digits(4);
  const email = traits.email === undefined ? `${firstName}.${lastName}.${tag}@example.com`.toLowerCase() : traits.email;
  const phone = `415-555-01${random.digits(2)}`;
  const place =
    traits.address === 'unshippable_state'
      ? UNSHIPPABLE
      : (CITIES.find((city) => city.state === traits.state) ?? random.pick(CITIES));
  const state = traits.address === 'unshippable_state' ? UNSHIPPABLE.state : (traits.state ?? place.state);
  const number = random.int(10, 9899);
  const street1 =
    traits.address === 'undeliverable'
      ? `${number} Nowhere Lane`
      : traits.address === 'po_box'
        ? `PO Box ${number}`
        : `${number} ${random.pick(STREETS)}`;
  const street2 = traits.address !== 'po_box' && random.next() < 0.3 ? `Apt ${random.int(1, 40)}` : null;
  return {
    firstName,
    lastName,
    dob,
    gender,
    email,
    phone,
    address: { street1, street2, city: place.city, state, zip: place.zip },
  };
}
