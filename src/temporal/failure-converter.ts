// Failure messages and stack traces can quote PHI (a vendor's "invalid address 12 Main St"), so they are moved into
// an encoded payload, which the payload codec then encrypts. Loaded by path (DataConverter.failureConverterPath)
// because the workflow bundle needs it too; it imports only @temporalio/common so it runs in the workflow sandbox.
import { DefaultFailureConverter } from '@temporalio/common';

export const failureConverter = new DefaultFailureConverter({ encodeCommonAttributes: true });
