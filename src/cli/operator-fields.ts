// `--field` values of `fulfill resolve`: `name=text` gives a string, `name:=json` a JSON value (a number, true, an
// object), and a dotted name builds an object (`--field address.city=Austin`). Strings stay strings, so a ZIP code
// like 02110 keeps its leading zero. Pure: parsing only, the workflow decides what the action needs.
import { UsageError } from './usage-error.js';

const NAME = /^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*$/;
/**
 * Names JavaScript objects give a meaning of their own: `fields.__proto__` is Object.prototype, so a segment named so
 * would write onto every object in the process (the console builds fields from a browser's form names).
 */
const RESERVED = new Set(['__proto__', 'constructor', 'prototype']);

type Fields = Record<string, unknown>;

function isRecord(value: unknown): value is Fields {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Parses one `--field` argument into a path and a value. */
export function parseField(argument: string): { path: string[]; value: unknown } {
  const json = /^([^=:]+):=(.*)$/s.exec(argument);
  const text = json ? undefined : /^([^=]+)=(.*)$/s.exec(argument);
  const match = json ?? text;
  if (!match) {
    throw new UsageError(
      `--field ${JSON.stringify(argument)}: expected name=value (text) or name:=json (a JSON value).`,
    );
  }
  const name = match[1]!.trim();
  if (!NAME.test(name)) {
    throw new UsageError(`--field ${JSON.stringify(name)}: a field name is letters, digits and _ (dots for nesting).`);
  }
  const reserved = name.split('.').find((segment) => RESERVED.has(segment));
  if (reserved) throw new UsageError(`--field ${name}: ${reserved} cannot be a field name (JavaScript reserves it).`);
  let value: unknown = match[2];
  if (json) {
    try {
      value = JSON.parse(match[2]!);
    } catch {
      throw new UsageError(`--field ${name}:= needs a JSON value (e.g. 30, true, {"a":1}); use ${name}=… for text.`);
    }
  }
  return { path: name.split('.'), value };
}

/** Builds the `fields` object from every `--field`; setting one name twice (or inside a text value) is refused. */
export function buildFields(arguments_: readonly string[]): Fields {
  const fields: Fields = {};
  for (const argument of arguments_) {
    const { path, value } = parseField(argument);
    let node = fields;
    for (const [index, key] of path.entries()) {
      const last = index === path.length - 1;
      if (last) {
        // Own keys only: an inherited name (toString) was not given before.
        if (Object.hasOwn(node, key)) throw new UsageError(`--field ${path.join('.')} is given twice.`);
        node[key] = value;
      } else {
        const next = Object.hasOwn(node, key) ? node[key] : {};
        if (!isRecord(next)) throw new UsageError(`--field ${path.slice(0, index + 1).join('.')} is not an object.`);
        node[key] = next;
        node = next;
      }
    }
  }
  return fields;
}

/** Commander collector for a repeatable option. */
export function collect(value: string, previous: string[] = []): string[] {
  return [...previous, value];
}
