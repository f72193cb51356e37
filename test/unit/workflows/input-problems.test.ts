// Input problems in words: a string too short says how long it must be, unless any character would do.
import { z } from 'zod';
import { describe, expect, it } from 'vitest';
import { describeInputProblems } from '../../../workflows/shared/input-problems.js';
import { honeybeeShippingAddressInput } from '../../../workflows/honeybee/messages.js';

function problems(schema: z.ZodType, input: unknown): string {
  const parsed = schema.safeParse(input);
  if (parsed.success) throw new Error('expected the input to be refused');
  return describeInputProblems(parsed.error, '{…}');
}

describe('describeInputProblems: too short', () => {
  const fields = z.object({ fields: z.object({ address: honeybeeShippingAddressInput }) });
  const address = { street1: '1 Main St', city: 'Austin', state: 'TX', zip: '78701' };

  it('names the minimum when one character is not enough (a state is at least 2)', () => {
    expect(problems(fields, { fields: { address: { ...address, state: 'x' } } })).toBe(
      '"fields.address.state" must be at least 2 characters',
    );
  });

  it('says "must not be empty" where one character would do', () => {
    expect(problems(fields, { fields: { address: { ...address, city: '' } } })).toBe(
      '"fields.address.city" must not be empty',
    );
  });

  it('keeps the minimum of a number as it was', () => {
    expect(problems(z.object({ n: z.number().min(3) }), { n: 1 })).toBe('"n" must be at least 3');
  });
});
