// The Temporal connection, read the way the `temporal` CLI reads it, so one set of settings reaches the dev server, a
// TLS cluster and Temporal Cloud alike: the CLI's variables (TEMPORAL_ADDRESS, TEMPORAL_TLS_*, TEMPORAL_API_KEY, …)
// win over a TOML profile file in the CLI's format (through @temporalio/envconfig), which wins over the defaults.
// The file is read only when TEMPORAL_CONFIG_FILE or TEMPORAL_PROFILE asks for it: a developer's own CLI profile
// (say, one pointing at Temporal Cloud) must not leak into `npm run dev` or the tests unasked.
import { existsSync, readFileSync } from 'node:fs';
import { loadClientConfigProfile, type ClientConfigProfile, type ConfigDataSource } from '@temporalio/envconfig';

export const DEFAULT_TEMPORAL_ADDRESS = '127.0.0.1:7233';
export const DEFAULT_TEMPORAL_NAMESPACE = 'default';

/** The connection settings as parsed from the environment (see envSchema). */
export interface TemporalConnectionEnv {
  TEMPORAL_ADDRESS?: string | undefined;
  TEMPORAL_NAMESPACE?: string | undefined;
  TEMPORAL_CONFIG_FILE?: string | undefined;
  TEMPORAL_PROFILE?: string | undefined;
  TEMPORAL_TLS?: boolean | undefined;
  TEMPORAL_TLS_SERVER_NAME?: string | undefined;
  TEMPORAL_TLS_SERVER_CA_CERT_PATH?: string | undefined;
  TEMPORAL_TLS_SERVER_CA_CERT_DATA?: string | undefined;
  TEMPORAL_TLS_CLIENT_CERT_PATH?: string | undefined;
  TEMPORAL_TLS_CLIENT_CERT_DATA?: string | undefined;
  TEMPORAL_TLS_CLIENT_KEY_PATH?: string | undefined;
  TEMPORAL_TLS_CLIENT_KEY_DATA?: string | undefined;
  TEMPORAL_API_KEY?: string | undefined;
}

export type ResolvedTemporalConnection = Omit<TemporalConnectionEnv, 'TEMPORAL_ADDRESS' | 'TEMPORAL_NAMESPACE'> & {
  TEMPORAL_ADDRESS: string;
  TEMPORAL_NAMESPACE: string;
};

type Problem = { variable: string; message: string };

const PATH_VARIABLES = [
  'TEMPORAL_TLS_SERVER_CA_CERT_PATH',
  'TEMPORAL_TLS_CLIENT_CERT_PATH',
  'TEMPORAL_TLS_CLIENT_KEY_PATH',
] as const;

function readProfile(env: TemporalConnectionEnv, rawEnv: NodeJS.ProcessEnv): ClientConfigProfile {
  if (!env.TEMPORAL_CONFIG_FILE && !env.TEMPORAL_PROFILE) return {};
  const home: Record<string, string> = {};
  for (const name of ['HOME', 'XDG_CONFIG_HOME', 'APPDATA']) {
    const value = rawEnv[name];
    if (value) home[name] = value;
  }
  return loadClientConfigProfile({
    ...(env.TEMPORAL_PROFILE ? { profile: env.TEMPORAL_PROFILE } : {}),
    ...(env.TEMPORAL_CONFIG_FILE ? { configSource: { path: env.TEMPORAL_CONFIG_FILE } } : {}),
    // Variables are applied by the caller, after validation: the library would take empty strings at face value.
    disableEnv: true,
    overrideEnvVars: home,
  });
}

/** A profile's `{path}` or `{data}` as the two variables it stands for. */
function fromSource(source: ConfigDataSource | undefined): { path?: string; data?: string } {
  if (!source) return {};
  if ('path' in source) return { path: source.path };
  return { data: typeof source.data === 'string' ? source.data : new TextDecoder().decode(source.data) };
}

function defined<T extends object>(record: T): T {
  return Object.fromEntries(Object.entries(record).filter(([, value]) => value !== undefined)) as T;
}

/**
 * What went wrong reading the profile file, without quoting it: the TOML parser's message shows the offending lines,
 * and those may hold an `api_key` or inline certificate data (a key), which must not reach stderr or the logs.
 */
function profileProblem(env: TemporalConnectionEnv, error: unknown): Problem {
  const { line, column, code, path } = error as { line?: unknown; column?: unknown; code?: unknown; path?: unknown };
  if (typeof line === 'number' && typeof column === 'number') {
    return {
      variable: 'TEMPORAL_CONFIG_FILE',
      message: `${env.TEMPORAL_CONFIG_FILE ?? 'the profile file'} is not valid TOML (line ${line}, column ${column})`,
    };
  }
  if (typeof code === 'string') {
    return {
      variable: env.TEMPORAL_CONFIG_FILE ? 'TEMPORAL_CONFIG_FILE' : 'TEMPORAL_PROFILE',
      message: `cannot read ${typeof path === 'string' ? path : (env.TEMPORAL_CONFIG_FILE ?? 'the profile file')} (${code})`,
    };
  }
  // What remains is envconfig's own: a profile not found, a key it does not know; they name keys, never values.
  return {
    variable: env.TEMPORAL_PROFILE ? 'TEMPORAL_PROFILE' : 'TEMPORAL_CONFIG_FILE',
    message: error instanceof Error ? error.message : String(error),
  };
}

function profileVariable(env: TemporalConnectionEnv): string {
  return env.TEMPORAL_PROFILE ? 'TEMPORAL_PROFILE' : 'TEMPORAL_CONFIG_FILE';
}

/** `host` or `host:port` (what the SDK takes; it adds 7233), with a port it can use: the SDK's own error is a stack. */
function addressProblem(address: string): string | undefined {
  const match = /^(?:\[[0-9A-Fa-f.:]+\]|[\w.-]+)(?::(\d{1,5}))?$/.exec(address);
  const port = match?.[1] === undefined ? undefined : Number(match[1]);
  if (match && (port === undefined || (port >= 1 && port <= 65535))) return undefined;
  return `${address} is not host:port (a port from 1 to 65535), e.g. 127.0.0.1:7233`;
}

const PEM_SETTINGS = [
  ['TEMPORAL_TLS_SERVER_CA_CERT', /-----BEGIN CERTIFICATE-----/, 'a PEM certificate'],
  ['TEMPORAL_TLS_CLIENT_CERT', /-----BEGIN CERTIFICATE-----/, 'a PEM certificate'],
  ['TEMPORAL_TLS_CLIENT_KEY', /-----BEGIN [A-Z ]*PRIVATE KEY-----/, 'a PEM private key'],
] as const;

/**
 * Certificates and the key that are not PEM at all, named here: the connection would only fail later as if Temporal
 * were down. Never quotes what is there (a key).
 */
function pemProblems(settings: ResolvedTemporalConnection): Problem[] {
  return PEM_SETTINGS.flatMap(([name, marker, what]) => {
    const data = settings[`${name}_DATA`];
    const path = settings[`${name}_PATH`];
    let text: string | undefined = data;
    if (text === undefined && path && existsSync(path)) {
      try {
        text = readFileSync(path, 'utf8');
      } catch (error) {
        const code = (error as { code?: unknown }).code;
        return [
          { variable: `${name}_PATH`, message: `cannot read ${path} (${typeof code === 'string' ? code : 'error'})` },
        ];
      }
    }
    if (text === undefined || marker.test(text)) return [];
    return data !== undefined
      ? [{ variable: `${name}_DATA`, message: `is not ${what} (-----BEGIN …-----)` }]
      : [{ variable: `${name}_PATH`, message: `${path} is not ${what} (-----BEGIN …-----)` }];
  });
}

/**
 * Resolves the connection settings: each variable, else the profile's value, else the default. Problems name the
 * variable to fix (a missing profile or file, a certificate path that does not exist, half a client certificate).
 */
export function applyTemporalProfile(
  env: TemporalConnectionEnv,
  rawEnv: NodeJS.ProcessEnv,
): { settings: ResolvedTemporalConnection; problems: Problem[] } {
  const problems: Problem[] = [];
  if (env.TEMPORAL_CONFIG_FILE && !existsSync(env.TEMPORAL_CONFIG_FILE)) {
    problems.push({ variable: 'TEMPORAL_CONFIG_FILE', message: `${env.TEMPORAL_CONFIG_FILE} does not exist` });
  }
  let profile: ClientConfigProfile = {};
  if (problems.length === 0) {
    try {
      profile = readProfile(env, rawEnv);
    } catch (error) {
      problems.push(profileProblem(env, error));
    }
  }
  const tls = profile.tls;
  const caCert = fromSource(tls?.serverCACert);
  const clientCert = fromSource(tls?.clientCert);
  const clientKey = fromSource(tls?.clientKey);
  const settings: ResolvedTemporalConnection = defined({
    TEMPORAL_CONFIG_FILE: env.TEMPORAL_CONFIG_FILE,
    TEMPORAL_PROFILE: env.TEMPORAL_PROFILE,
    TEMPORAL_ADDRESS: env.TEMPORAL_ADDRESS ?? profile.address ?? DEFAULT_TEMPORAL_ADDRESS,
    TEMPORAL_NAMESPACE: env.TEMPORAL_NAMESPACE ?? profile.namespace ?? DEFAULT_TEMPORAL_NAMESPACE,
    TEMPORAL_API_KEY: env.TEMPORAL_API_KEY ?? profile.apiKey,
    // A profile with a [tls] table asks for TLS unless it says `disabled = true`.
    TEMPORAL_TLS: env.TEMPORAL_TLS ?? (tls ? tls.disabled !== true : undefined),
    TEMPORAL_TLS_SERVER_NAME: env.TEMPORAL_TLS_SERVER_NAME ?? tls?.serverName,
    TEMPORAL_TLS_SERVER_CA_CERT_PATH: env.TEMPORAL_TLS_SERVER_CA_CERT_PATH ?? caCert.path,
    TEMPORAL_TLS_SERVER_CA_CERT_DATA: env.TEMPORAL_TLS_SERVER_CA_CERT_DATA ?? caCert.data,
    TEMPORAL_TLS_CLIENT_CERT_PATH: env.TEMPORAL_TLS_CLIENT_CERT_PATH ?? clientCert.path,
    TEMPORAL_TLS_CLIENT_CERT_DATA: env.TEMPORAL_TLS_CLIENT_CERT_DATA ?? clientCert.data,
    TEMPORAL_TLS_CLIENT_KEY_PATH: env.TEMPORAL_TLS_CLIENT_KEY_PATH ?? clientKey.path,
    TEMPORAL_TLS_CLIENT_KEY_DATA: env.TEMPORAL_TLS_CLIENT_KEY_DATA ?? clientKey.data,
  });
  for (const variable of PATH_VARIABLES) {
    const path = settings[variable];
    if (path && !existsSync(path)) problems.push({ variable, message: `${path} does not exist` });
  }
  const addressWrong = addressProblem(settings.TEMPORAL_ADDRESS);
  if (addressWrong) {
    problems.push({
      variable: env.TEMPORAL_ADDRESS ? 'TEMPORAL_ADDRESS' : profileVariable(env),
      message: addressWrong,
    });
  }
  problems.push(...pemProblems(settings));
  const hasCert = Boolean(settings.TEMPORAL_TLS_CLIENT_CERT_PATH ?? settings.TEMPORAL_TLS_CLIENT_CERT_DATA);
  const hasKey = Boolean(settings.TEMPORAL_TLS_CLIENT_KEY_PATH ?? settings.TEMPORAL_TLS_CLIENT_KEY_DATA);
  if (hasCert !== hasKey) {
    problems.push({
      variable: hasCert ? 'TEMPORAL_TLS_CLIENT_KEY_PATH' : 'TEMPORAL_TLS_CLIENT_CERT_PATH',
      message: 'a client certificate needs both the certificate and its key',
    });
  }
  return { settings, problems };
}
