import { describe, expect, it } from 'vitest';
import { honeybeeFieldHelp } from '../../../src/domain/honeybee-action-fields.js';

describe('honeybeeFieldHelp', () => {
  it('describes a field it knows', () => {
    expect(honeybeeFieldHelp('prescriber_note').description).toMatch(/\w/);
  });

  it.each(['constructor', 'toString', '__proto__'])(
    'describes a field Honeybee names %j as any field it does not know, not with an Object.prototype member',
    (field) => {
      expect(honeybeeFieldHelp(field)).toEqual({
        description: `${field}, as Honeybee asks for it`,
        example: `<${field}>`,
      });
    },
  );
});
