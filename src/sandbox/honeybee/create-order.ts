// The body of POST /orders (docs/VENDOR-FACTS.md): full form with patient details and address, or the minimal form
// (`shipping`, `patient` with `patient_id` and `patient_safety`, `items`; the address on file is used). A malformed
// structure answers 400; a well-formed body with bad values answers 422 with every documented code that applies.
import {
  badRequest,
  codedError,
  unprocessable,
  type ErrorDetail,
  type HoneybeeError,
  type HoneybeeReply,
} from './errors.js';
import type { HoneybeeAddress } from './model.js';
import {
  checkAddress,
  isRecord,
  isValidDate,
  isValidEmail,
  isValidName,
  isValidPhone,
  SHIPPING_METHOD_IDS,
} from './validation.js';

export interface CreateOrderItem {
  prescription_id: number;
  quantity: number;
  package_size?: number;
  ndc?: string;
}

export interface CreateOrderInput {
  shippingMethodId: number;
  patientId: number;
  email?: string;
  /** The address given in the body (already checked); absent in the minimal form. */
  address?: HoneybeeAddress;
  items: CreateOrderItem[];
  /** `patient.patient_safety` exactly as received (its lists checked to be arrays where present). */
  patientSafety: Record<string, unknown>;
}

const IDENTITY_DOCUMENT_TYPES: ReadonlySet<string> = new Set(['drivers_license', 'passport', 'state_id']);

function positiveInt(value: unknown): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value > 0;
}

export type CreateOrderParse = { ok: true; input: CreateOrderInput } | { ok: false; reply: HoneybeeReply };

export function parseCreateOrder(body: unknown): CreateOrderParse {
  if (!isRecord(body)) return { ok: false, reply: badRequest('the body must be a JSON object') };
  const structural: ErrorDetail[] = [];
  const need = (condition: boolean, field: string, message: string) => {
    if (!condition) structural.push({ field, message });
  };

  const shipping = body.shipping;
  need(isRecord(shipping), 'shipping', 'is required');
  const methodId = isRecord(shipping) ? shipping.method_id : undefined;
  if (isRecord(shipping)) {
    need(positiveInt(methodId) && SHIPPING_METHOD_IDS.has(methodId), 'shipping.method_id', 'must be 1, 2 or 3');
  }

  const patient = body.patient;
  need(isRecord(patient), 'patient', 'is required');
  if (isRecord(patient)) {
    const safety = patient.patient_safety;
    need(isRecord(safety), 'patient.patient_safety', 'is required');
    if (isRecord(safety)) {
      for (const list of ['medications', 'health_conditions', 'allergies']) {
        need(
          safety[list] === undefined || Array.isArray(safety[list]),
          `patient.patient_safety.${list}`,
          'must be an array',
        );
      }
    }
    need(patient.dob === undefined || isValidDate(patient.dob), 'patient.dob', 'must be a date YYYY-MM-DD');
  }

  const items = body.items;
  need(Array.isArray(items) && items.length > 0, 'items', 'must be a non-empty array');
  if (Array.isArray(items)) {
    items.forEach((item: unknown, index) => {
      const at = `items[${index}]`;
      if (!isRecord(item)) return need(false, at, 'must be an object');
      need(positiveInt(item.prescription_id), `${at}.prescription_id`, 'must be a positive integer');
      need(positiveInt(item.quantity), `${at}.quantity`, 'must be a positive integer');
      need(
        item.package_size === undefined || positiveInt(item.package_size),
        `${at}.package_size`,
        'must be a positive integer',
      );
    });
  }
  if (body.address !== undefined) need(isRecord(body.address), 'address', 'must be an object');
  if (structural.length > 0) return { ok: false, reply: badRequest('the request is malformed', structural) };

  const p = patient as Record<string, unknown>;
  const errors: HoneybeeError[] = [];
  const invalid = (code: number, field: string, message: string) => errors.push(codedError(code, [{ field, message }]));
  if (!positiveInt(p.patient_id)) invalid(42206, 'patient_id', 'must be a positive integer');
  if (p.first_name !== undefined && !isValidName(p.first_name))
    invalid(42202, 'first_name', 'must be a name of at most 35 characters');
  if (p.last_name !== undefined && !isValidName(p.last_name))
    invalid(42203, 'last_name', 'must be a name of at most 35 characters');
  if (p.email !== undefined && !isValidEmail(p.email)) invalid(42201, 'email', 'must be a valid email address');
  if (p.phone !== undefined && !isValidPhone(p.phone)) invalid(42204, 'phone', 'must be a 10-digit US phone number');
  if (p.gender !== undefined && p.gender !== 'M' && p.gender !== 'F' && p.gender !== 'N') {
    invalid(42205, 'gender', 'must be M, F or N');
  }
  if (p.identity_documents !== undefined) {
    if (!Array.isArray(p.identity_documents)) {
      invalid(42208, 'identity_documents', 'must be an array');
    } else {
      p.identity_documents.forEach((doc: unknown, index) => {
        if (!isRecord(doc) || typeof doc.number !== 'string' || !doc.number.trim()) {
          invalid(42208, `identity_documents[${index}]`, 'needs a type and a number');
        } else if (typeof doc.type !== 'string' || !IDENTITY_DOCUMENT_TYPES.has(doc.type)) {
          invalid(42216, `identity_documents[${index}].type`, 'must be drivers_license, passport or state_id');
        }
      });
    }
  }
  const parsedItems = (items as Record<string, unknown>[]).map((item) => item);
  parsedItems.forEach((item, index) => {
    if (item.ndc !== undefined && (typeof item.ndc !== 'string' || !/^\d{11}$/.test(item.ndc))) {
      invalid(42241, `items[${index}].ndc`, 'must be an 11-digit NDC');
    }
  });
  let address: HoneybeeAddress | undefined;
  if (body.address !== undefined) {
    const checked = checkAddress(body.address, methodId as number);
    if (checked.ok) address = checked.address;
    else errors.push(...checked.errors);
  }
  if (errors.length > 0) return { ok: false, reply: unprocessable(errors) };

  return {
    ok: true,
    input: {
      shippingMethodId: methodId as number,
      patientId: p.patient_id as number,
      ...(typeof p.email === 'string' ? { email: p.email } : {}),
      ...(address ? { address } : {}),
      patientSafety: structuredClone(p.patient_safety as Record<string, unknown>),
      items: parsedItems.map((item) => ({
        prescription_id: item.prescription_id as number,
        quantity: item.quantity as number,
        ...(item.package_size !== undefined ? { package_size: item.package_size as number } : {}),
        ...(typeof item.ndc === 'string' ? { ndc: item.ndc } : {}),
      })),
    },
  };
}
