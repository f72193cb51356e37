// Console sign-ins, kept in this bridge's memory: a random session id in an HttpOnly, SameSite=Strict cookie (Secure
// outside development) maps to who signed in, the operator name they last used, a CSRF token for their forms, and a
// one-time message for the next page. A session ends at CONSOLE_SESSION_TTL, at its JWT's expiry, at sign-out, or
// when the bridge restarts (sign in again; behind several bridges, use sticky sessions or a bearer from a proxy).
import { randomBytes } from 'node:crypto';
import { constantTimeEqual } from '../vendors/shared/constant-time.js';
import type { ConsolePrincipal } from './authentication.js';

export const SESSION_COOKIE = 'fulfill_console';

/** More live sessions than this: the oldest go first. */
const MAX_SESSIONS = 10_000;

export interface Flash {
  kind: 'success' | 'error';
  text: string;
}

export interface ConsoleSession {
  id: string;
  principal: ConsolePrincipal;
  /** The operator name to offer in forms: given at sign-in, then the last one used. */
  operator: string;
  csrfToken: string;
  expiresAt: number;
  flash?: Flash;
}

function token(): string {
  return randomBytes(32).toString('base64url');
}

export class ConsoleSessions {
  readonly #sessions = new Map<string, ConsoleSession>();

  constructor(
    private readonly ttlMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  create(principal: ConsolePrincipal, operator: string): ConsoleSession {
    this.#prune();
    const expiresAt = Math.min(this.now() + this.ttlMs, principal.expiresAt ?? Infinity);
    const session: ConsoleSession = { id: token(), principal, operator, csrfToken: token(), expiresAt };
    this.#sessions.set(session.id, session);
    return session;
  }

  get(id: string | undefined): ConsoleSession | undefined {
    if (!id) return undefined;
    const session = this.#sessions.get(id);
    if (!session) return undefined;
    if (session.expiresAt <= this.now()) {
      this.#sessions.delete(id);
      return undefined;
    }
    return session;
  }

  end(id: string): void {
    this.#sessions.delete(id);
  }

  /** Whether a form's CSRF token is the session's. */
  static checkCsrf(session: ConsoleSession, candidate: string | undefined): boolean {
    return candidate !== undefined && constantTimeEqual(session.csrfToken, candidate);
  }

  /** The message for the next page, once. */
  static takeFlash(session: ConsoleSession | undefined): Flash | undefined {
    const flash = session?.flash;
    if (session) delete session.flash;
    return flash;
  }

  #prune(): void {
    const now = this.now();
    for (const [id, session] of this.#sessions) if (session.expiresAt <= now) this.#sessions.delete(id);
    // Insertion order is creation order: the first entries are the oldest.
    for (const id of this.#sessions.keys()) {
      if (this.#sessions.size < MAX_SESSIONS) break;
      this.#sessions.delete(id);
    }
  }
}

/** The session cookie's value in a `Cookie` header. */
export function sessionIdFrom(cookieHeader: string | undefined): string | undefined {
  for (const part of (cookieHeader ?? '').split(';')) {
    const [name, ...value] = part.trim().split('=');
    if (name === SESSION_COOKIE) return value.join('=') || undefined;
  }
  return undefined;
}

export function sessionCookie(session: ConsoleSession | undefined, secure: boolean, now = Date.now()): string {
  const attributes = ['Path=/console', 'HttpOnly', 'SameSite=Strict', ...(secure ? ['Secure'] : [])];
  if (!session) return [`${SESSION_COOKIE}=`, 'Max-Age=0', ...attributes].join('; ');
  const maxAge = Math.max(0, Math.floor((session.expiresAt - now) / 1000));
  return [`${SESSION_COOKIE}=${session.id}`, `Max-Age=${maxAge}`, ...attributes].join('; ');
}
