// Workflow histories as JSON fixtures for replay tests. The SDK's historyToJSON/historyFromJSON cannot be used in
// this install: @temporalio/common and @temporalio/proto each carry their own protobufjs copy (the root slot holds
// protobufjs 7 for another package), so protojson's `instanceof Type` check fails ("type must be a Type"). Fixtures are
// therefore protobufjs's object form of the History message (enum names, 64-bit integers and bytes as strings), read
// back with History.fromObject, which gives Worker.runReplayHistories a History message it takes as it is.
import proto from '@temporalio/proto';

const { History } = proto.temporal.api.history.v1;

export function historyToFixtureJson(history: proto.temporal.api.history.v1.IHistory): string {
  // fromObject hands back a History message as it is and builds one from a plain object.
  const message = History.fromObject(history);
  return `${JSON.stringify(History.toObject(message, { longs: String, enums: String, bytes: String }), null, 1)}\n`;
}

export function historyFromFixtureJson(text: string): proto.temporal.api.history.v1.History {
  return History.fromObject(JSON.parse(text) as Record<string, unknown>);
}
