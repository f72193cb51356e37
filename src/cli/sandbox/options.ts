// Option parsers of the `fulfill sandbox` commands: a bad value is a usage error naming what was expected.
import { InvalidArgumentError } from 'commander';
import { parseDuration } from '../../sandbox/durations.js';

export function integer(min: number, max = Number.MAX_SAFE_INTEGER) {
  return (value: string): number => {
    const number = Number(value);
    if (!/^-?\d+$/.test(value) || number < min || number > max) {
      throw new InvalidArgumentError(`expected an integer from ${min} to ${max}`);
    }
    return number;
  };
}

export function rate(value: string): number {
  const number = Number(value);
  if (value.trim() === '' || !Number.isFinite(number) || number < 0 || number > 1) {
    throw new InvalidArgumentError('expected a rate from 0 to 1');
  }
  return number;
}

export function duration(value: string): number {
  const ms = parseDuration(value);
  if (ms === undefined) throw new InvalidArgumentError('expected a duration like 500ms, 30s, 15m, 2h or 7d');
  return ms;
}

export function integerList(value: string): number[] {
  return value.split(',').map((part) => integer(1)(part.trim()));
}

export function textList(value: string): string[] {
  return value
    .split(',')
    .map((part) => part.trim())
    .filter((part) => part.length > 0);
}
