// The help of `fulfill`: the --operator default said once, wherever the option is; `dev` names what it starts.
import type { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import { buildProgram } from '../../../src/cli/main.js';

function command(path: string[]): Command {
  let found = buildProgram();
  for (const name of path) found = found.commands.find((sub) => sub.name() === name)!;
  return found;
}

describe('fulfill help', () => {
  it.each([['resolve'], ['match'], ['cancel'], ['parked', 'redrive'], ['notifications', 'resend']])(
    '%s: --operator states its default once',
    (...path) => {
      const help = command(path).helpInformation();
      const operatorLine = help.slice(help.indexOf('--operator'), help.indexOf('\n  -', help.indexOf('--operator')));
      expect(operatorLine.match(/\(default:/g)).toHaveLength(1);
      expect(operatorLine).toContain('FULFILL_OPERATOR, else your OS user name');
    },
  );

  it('dev: names everything it starts', () => {
    const help = command(['dev']).helpInformation().replace(/\s+/g, ' ');
    for (const part of ['Temporal dev server', 'sandbox vendors', 'worker', 'bridge', 'codec service']) {
      expect(help).toContain(part);
    }
  });
});
