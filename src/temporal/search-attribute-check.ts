// The engine's workflows upsert the search attributes of workflows/search-attributes.ts. On a namespace that lacks one
// of them every such workflow task fails (BAD_SEARCH_ATTRIBUTES) and retries forever, so prescriptions stall with
// nothing said at start. The worker checks the namespace first and refuses to start, naming what is missing.
import type { ConnectionLike } from '@temporalio/client';
// CommonJS without static export names: Node's ESM loader offers only the default export.
import proto from '@temporalio/proto';
import { ENGINE_SEARCH_ATTRIBUTES } from '../../workflows/search-attributes.js';

const IndexedValueType = proto.temporal.api.enums.v1.IndexedValueType;

export class MissingSearchAttributesError extends Error {
  override name = 'MissingSearchAttributesError';
}

/** `Name (Type)` of every engine attribute the namespace lacks or has with another type; empty when all are there. */
export function missingSearchAttributes(registered: Record<string, number>): string[] {
  return ENGINE_SEARCH_ATTRIBUTES.flatMap((key) => {
    const wanted = IndexedValueType[`INDEXED_VALUE_TYPE_${key.type}`];
    const found = registered[key.name];
    if (found === wanted) return [];
    const has = found === undefined ? 'missing' : `registered as ${IndexedValueType[found] ?? String(found)}`;
    return [`${key.name} (${key.type}: ${has})`];
  });
}

export async function assertEngineSearchAttributes(connection: ConnectionLike, namespace: string): Promise<void> {
  const { customAttributes } = await connection.operatorService.listSearchAttributes({ namespace });
  const missing = missingSearchAttributes(customAttributes ?? {});
  if (missing.length > 0) {
    throw new MissingSearchAttributesError(
      `Namespace ${namespace} lacks search attributes the workflows set: ${missing.join(', ')}. ` +
        'Register them with deploy/temporal/register-namespace.sh (docker-compose and `fulfill cluster up` run it), ' +
        'or `temporal operator search-attribute create --namespace <ns> --name <name> --type <type>`.',
    );
  }
}
