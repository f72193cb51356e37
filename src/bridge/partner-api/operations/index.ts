// Every operation of the partner API, in the order the document lists them.
import type { Operation } from '../operation.js';
import { labOrderOperations } from './lab-orders.js';
import { notificationOperations } from './notifications.js';
import { operatorOperations } from './operators.js';
import { orderOperations } from './orders.js';
import { patientOperations } from './patients.js';
import { prescriptionOperations } from './prescriptions.js';

export const PARTNER_API_OPERATIONS: readonly Operation[] = [
  ...prescriptionOperations,
  ...orderOperations,
  ...patientOperations,
  ...labOrderOperations,
  ...operatorOperations,
  ...notificationOperations,
];
