// The operator commands' argument parsing, without Temporal: which workflows an id may name, `--field` syntax, the
// actions each workflow type offers from its status, and ages.
import { describe, expect, it } from 'vitest';
import { holdReasonOf, offeredActionsOf } from '../../../src/cli/operators/workflow-status.js';
import { buildFields, parseField } from '../../../src/cli/operator-fields.js';
import { formatAge } from '../../../src/cli/output.js';
import { candidateTargets } from '../../../src/cli/workflow-targets.js';
import { UsageError } from '../../../src/cli/usage-error.js';

describe('candidateTargets', () => {
  it('takes full workflow ids as they are', () => {
    expect(candidateTargets('honeybee-rx-123')).toEqual([
      { kind: 'prescription', id: '123', workflowId: 'honeybee-rx-123' },
    ]);
    expect(candidateTargets('honeybee-order-HB12AB')).toEqual([
      { kind: 'order', id: 'HB12AB', workflowId: 'honeybee-order-HB12AB' },
    ]);
    expect(candidateTargets('onegevity-order-lab0123456789abcdef01234567')[0]?.kind).toBe('lab');
  });

  it('tries a number as a prescription first, other ids as an order first, a lab identifier as a lab order', () => {
    // A followed lab order keeps the identifier it was placed with (`O13988`): looked for last.
    expect(candidateTargets('5574755').map((target) => target.workflowId)).toEqual([
      'honeybee-rx-5574755',
      'honeybee-order-5574755',
      'onegevity-order-5574755',
    ]);
    expect(candidateTargets('HB8LGLQSFE').map((target) => target.workflowId)).toEqual([
      'honeybee-order-HB8LGLQSFE',
      'honeybee-rx-HB8LGLQSFE',
      'onegevity-order-HB8LGLQSFE',
    ]);
    expect(candidateTargets('O13988', ['lab']).map((target) => target.workflowId)).toEqual(['onegevity-order-O13988']);
    expect(candidateTargets('lab0123456789abcdef01234567').map((target) => target.workflowId)).toEqual([
      'onegevity-order-lab0123456789abcdef01234567',
    ]);
  });

  it('restricts to the kinds a command works on, and refuses what cannot be an id', () => {
    expect(candidateTargets('HB8LGLQSFE', ['prescription']).map((target) => target.kind)).toEqual(['prescription']);
    expect(() => candidateTargets('honeybee-order-HB1', ['prescription'])).toThrow(/works on a prescription/);
    expect(() => candidateTargets("x' OR WorkflowId != '")).toThrow(UsageError);
    expect(() => candidateTargets('')).toThrow(UsageError);
    expect(() => candidateTargets('has space')).toThrow(/is not an id/);
  });
});

describe('--field', () => {
  it('keeps text as text, parses name:=json, and nests dotted names', () => {
    expect(parseField('zip=02110')).toEqual({ path: ['zip'], value: '02110' });
    expect(parseField('quantity:=30')).toEqual({ path: ['quantity'], value: 30 });
    expect(parseField('note=a=b')).toEqual({ path: ['note'], value: 'a=b' });
    expect(
      buildFields([
        'address.street1=1 Main St',
        'address.zip=02110',
        'address.street2:=null',
        'prescriber_note=benefit outweighs risk',
      ]),
    ).toEqual({
      address: { street1: '1 Main St', zip: '02110', street2: null },
      prescriber_note: 'benefit outweighs risk',
    });
    expect(buildFields(['address:={"city":"Austin"}'])).toEqual({ address: { city: 'Austin' } });
  });

  it('refuses malformed fields with a usage error naming them', () => {
    expect(() => parseField('novalue')).toThrow(/expected name=value/);
    expect(() => parseField('quantity:=thirty')).toThrow(/needs a JSON value/);
    expect(() => parseField('1bad=x')).toThrow(UsageError);
    expect(() => buildFields(['a=1', 'a=2'])).toThrow(/given twice/);
    expect(() => buildFields(['a=1', 'a.b=2'])).toThrow(/is not an object/);
  });

  it('refuses names JavaScript reserves, and writes nothing onto Object.prototype', () => {
    try {
      for (const argument of ['__proto__.expiresAt:=0', 'a.__proto__.polluted=x', 'constructor.prototype.polluted=x']) {
        expect(() => buildFields([argument]), argument).toThrow(UsageError);
      }
      expect(() => buildFields(['__proto__.expiresAt:=0'])).toThrow(
        '--field __proto__.expiresAt: __proto__ cannot be a field name (JavaScript reserves it).',
      );
      expect(() => buildFields(['address.prototype=x'])).toThrow(/address\.prototype: prototype cannot be/);
      expect(Object.hasOwn(Object.prototype, 'expiresAt')).toBe(false);
      expect(Object.hasOwn(Object.prototype, 'polluted')).toBe(false);
    } finally {
      delete (Object.prototype as Record<string, unknown>).expiresAt;
      delete (Object.prototype as Record<string, unknown>).polluted;
    }
  });

  it('takes a name an object inherits (toString) as any other name, given once', () => {
    expect(buildFields(['toString=a', 'valueOf.x:=1'])).toEqual({ toString: 'a', valueOf: { x: 1 } });
    expect(() => buildFields(['hasOwnProperty=a', 'hasOwnProperty=b'])).toThrow(/given twice/);
  });
});

describe('offeredActionsOf', () => {
  it('reads the operator contract every workflow type answers, and nothing from a status that is not one', () => {
    const offered = [
      { action: 'resubmit', description: 'd', fields: [{ name: 'address', required: false, description: 'a' }] },
    ];
    expect(
      offeredActionsOf({ stage: 'REJECTED', offeredActions: offered, holdReason: 'fulfillment_rejected' }),
    ).toEqual(offered);
    expect(holdReasonOf({ holdReason: '74 Allergy Detected' })).toBe('74 Allergy Detected');
    expect(offeredActionsOf({ stage: 'X' })).toEqual([]);
    expect(offeredActionsOf(null)).toEqual([]);
    expect(holdReasonOf('x')).toBeUndefined();
  });
});

describe('formatAge', () => {
  it('prints the two largest units', () => {
    expect(formatAge(45_000)).toBe('45s');
    expect(formatAge(125_000)).toBe('2m 5s');
    expect(formatAge(7_500_000)).toBe('2h 5m');
    expect(formatAge(3 * 86_400_000 + 4 * 3_600_000)).toBe('3d 4h');
  });
});
