// How an operator exception is named wherever one line is enough (the ExceptionReason search attribute, partner
// notifications, refusals, the details' heading): "74 Allergy Detected". Bounded, because the name is the vendor's
// text and a search attribute value over Temporal's size limit would fail the workflow task that upserts it.
import type { OperatorException } from './types.js';
import { boundedText } from '../../src/domain/bounded-text.js';

/** The longest exception label; also the bound of an order's hold reason a prescription shows. */
export const MAX_LABEL_LENGTH = 200;

export function exceptionLabel(exception: Pick<OperatorException, 'code' | 'name'>): string {
  // A hold Honeybee gave no reason for has no code: its name alone.
  const label = exception.code ? `${exception.code} ${exception.name}` : exception.name;
  return boundedText(label, MAX_LABEL_LENGTH);
}
