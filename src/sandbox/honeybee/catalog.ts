// Drugs the simulated pharmacy prescribes to generated patients. NDCs are made-up 11-digit codes; prescribers are
// fictional. `drug_schedule` is a string for ordinary drugs and a number for the controlled one, because Honeybee sends
// both forms.
export interface CatalogDrug {
  drug_name: string;
  /** What an intake allergy names when the patient must not take it (the pharmacist raises 74 Allergy Detected). */
  allergens: readonly string[];
  ndc: string;
  sig_text: string;
  written_qty: number;
  package_size: number;
  days_supply: number | null;
  drug_schedule: string | number;
}

export const CATALOG: readonly CatalogDrug[] = [
  {
    drug_name: 'Atorvastatin 20 mg tablet',
    allergens: ['atorvastatin', 'statin', 'statins'],
    ndc: '00000000101',
    sig_text: 'Take 1 tablet by mouth once daily',
    written_qty: 90,
    package_size: 90,
    days_supply: 90,
    drug_schedule: '0',
  },
  {
    drug_name: 'Lisinopril 10 mg tablet',
    allergens: ['lisinopril', 'ace inhibitor', 'ace inhibitors'],
    ndc: '00000000202',
    sig_text: 'Take 1 tablet by mouth once daily',
    written_qty: 30,
    package_size: 30,
    days_supply: 30,
    drug_schedule: '0',
  },
  {
    drug_name: 'Metformin 500 mg tablet',
    allergens: ['metformin', 'biguanide', 'biguanides'],
    ndc: '00000000303',
    sig_text: 'Take 1 tablet by mouth twice daily with meals',
    written_qty: 60,
    package_size: 60,
    days_supply: 30,
    drug_schedule: '0',
  },
  {
    drug_name: 'Sertraline 50 mg tablet',
    allergens: ['sertraline', 'ssri', 'ssris'],
    ndc: '00000000404',
    sig_text: 'Take 1 tablet by mouth once daily',
    written_qty: 30,
    package_size: 30,
    days_supply: null,
    drug_schedule: '0',
  },
];

export const CONTROLLED_DRUG: CatalogDrug = {
  drug_name: 'Modafinil 100 mg tablet',
  allergens: ['modafinil'],
  ndc: '00000000505',
  sig_text: 'Take 1 tablet by mouth every morning',
  written_qty: 30,
  package_size: 30,
  days_supply: 30,
  drug_schedule: 4,
};

/**
 * What an allergy must name to rule the prescription out: its catalog allergens (found by NDC), or, for a drug outside
 * the catalog (a POST /simulate with its own drug_name), the first word of its name.
 */
export function allergensOf(drug: { ndc: string; drug_name: string }): string[] {
  const known = [...CATALOG, CONTROLLED_DRUG].find((entry) => entry.ndc === drug.ndc);
  const firstWord = drug.drug_name.trim().split(/\s+/)[0]?.toLowerCase();
  return [...(known?.allergens ?? []), ...(firstWord ? [firstWord] : [])];
}

export const PRESCRIBERS = ['Dr. Avery Sample', 'Dr. Jordan Example', 'Dr. Riley Placeholder'] as const;
