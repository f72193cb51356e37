// One Temporal client per console user, sharing the bridge's connection and data converter, with the user's
// `console:<who>` identity: Temporal records it with every update and signal the console sends on their behalf, so
// the audit shows which signed-in user acted beside the operator name they typed.
import { Client } from '@temporalio/client';

/** Enough for every operator of a shift; past it the least recently used client is let go (it holds no resources). */
const MAX_CLIENTS = 1_000;

export function identityClients(base: Client): (identity: string) => Client {
  const clients = new Map<string, Client>();
  return (identity) => {
    let client = clients.get(identity);
    if (client) {
      clients.delete(identity);
    } else {
      client = new Client({
        connection: base.connection,
        namespace: base.options.namespace,
        dataConverter: base.options.dataConverter,
        interceptors: base.options.interceptors,
        identity,
      });
      if (clients.size >= MAX_CLIENTS) clients.delete(clients.keys().next().value as string);
    }
    clients.set(identity, client);
    return client;
  };
}
