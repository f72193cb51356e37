// What is wrong with an input, in words an operator can act on: each problem names the field (its path) and what it
// must be, never the value sent (an input may hold patient data). One sentence per problem, joined by "; ".
import type { z } from 'zod';
import { boundedText } from '../../src/domain/bounded-text.js';

/** The longest explanation kept: a pathological input cannot bloat the state or the details. */
const MAX_PROBLEM_LENGTH = 500;
const MAX_PROBLEMS = 5;

const ARTICLE: Readonly<Record<string, string>> = {
  string: 'text',
  number: 'a number',
  int: 'a whole number',
  boolean: 'true or false',
  object: 'a JSON object',
  array: 'a list',
  record: 'a JSON object',
};

function pathOf(issue: z.core.$ZodIssue): string {
  return issue.path.map(String).join('.');
}

function expected(issue: z.core.$ZodIssue): string {
  const type = 'expected' in issue && typeof issue.expected === 'string' ? issue.expected : undefined;
  return type ? (ARTICLE[type] ?? type) : 'something else';
}

/** zod's own English messages; anything else is a schema's message, which names no values (see `presence`). */
const ZOD_DEFAULT_MESSAGE = /^(Invalid|Too (big|small)|Unrecognized)\b/;

/**
 * An input several shapes may take (a union) is explained by the shape it came closest to: the one with the fewest
 * problems, each at its full path.
 */
function closestBranch(issue: z.core.$ZodIssue): z.core.$ZodIssue[] | undefined {
  if (issue.code !== 'invalid_union' || issue.errors.length === 0) return undefined;
  const best = issue.errors.reduce((fewest, branch) => (branch.length < fewest.length ? branch : fewest));
  return best.map((inner) => ({ ...inner, path: [...issue.path, ...inner.path] }));
}

function describeIssue(issue: z.core.$ZodIssue, shape: string): string {
  const branch = closestBranch(issue);
  if (branch) return branch.map((inner) => describeIssue(inner, shape)).join('; ');
  const path = pathOf(issue);
  const field = `"${path}"`;
  const missing = 'input' in issue && issue.input === undefined;
  if (path !== '' && !ZOD_DEFAULT_MESSAGE.test(issue.message)) return `${field} ${issue.message}`;
  switch (issue.code) {
    case 'invalid_type':
      if (path === '') return `the input must be one JSON object ${shape}`;
      return missing ? `${field} is required` : `${field} must be ${expected(issue)}`;
    case 'too_small':
      // "must not be empty" only where one character is enough: `address.state=x` is not empty, yet too short.
      if (issue.origin !== 'string') return `${field} must be at least ${String(issue.minimum)}`;
      return Number(issue.minimum) > 1
        ? `${field} must be at least ${String(issue.minimum)} characters`
        : `${field} must not be empty`;
    case 'too_big':
      return issue.origin === 'string'
        ? `${field} is too long (at most ${String(issue.maximum)} characters)`
        : `${field} must be at most ${String(issue.maximum)}`;
    case 'invalid_value':
      return `${field} must be one of ${issue.values.map((value) => JSON.stringify(value)).join(', ')}`;
    case 'unrecognized_keys':
      return `${path === '' ? 'the input' : field} has unknown field(s) ${issue.keys.map((key) => `"${key}"`).join(', ')}`;
    case 'invalid_format':
      return `${field} is not ${issue.format === 'regex' ? 'in the expected form' : `a valid ${issue.format}`}`;
    case 'custom':
      return issue.message;
    default:
      return `${path === '' ? 'the input' : field} is invalid`;
  }
}

/**
 * The problems of a failed parse. `shape` describes the expected input for an input that is not an object at all
 * (e.g. `{"action", "fields", "operator", "reason"}`).
 */
export function describeInputProblems(error: z.ZodError, shape: string): string {
  const sentences = [...new Set(error.issues.map((issue) => describeIssue(issue, shape)))];
  const text = sentences.slice(0, MAX_PROBLEMS).join('; ') + (sentences.length > MAX_PROBLEMS ? '; …' : '');
  return boundedText(text, MAX_PROBLEM_LENGTH);
}

/**
 * Schema messages that say a missing field is missing ("is required") instead of "expected string, received
 * undefined"; unknown keys keep their own explanation (they name the keys).
 */
export function presence(kind: string) {
  return {
    error: (issue: { code?: string; input?: unknown }) =>
      issue.code === 'unrecognized_keys' ? undefined : issue.input === undefined ? 'is required' : `must be ${kind}`,
  };
}

/**
 * An action an operator named, quoted, when it looks like an action name; undefined for anything else (a pasted
 * note, say), which a refusal does not repeat: refusals are shown in the clear (src/temporal/failure-converter.ts).
 */
export function quotedActionName(action: string): string | undefined {
  const name = action.trim();
  return /^[A-Za-z][A-Za-z0-9_.-]{0,63}$/.test(name) ? `"${name}"` : undefined;
}
