// The operator console, served by the bridge under /console as a fastify plugin of its own: server-rendered pages
// (a small script only refreshes the queue and keeps relative times current), signed-in users only. Pages: the queue,
// a workflow's detail with its offered actions as forms, parked events with their bodies and re-drive. Every action
// goes to Temporal with the user's own client identity (`console:<who>`), beside the operator name they type.
import { readFileSync } from 'node:fs';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { WorkflowNotFoundError, type Client } from '@temporalio/client';
import { z } from 'zod';
import { localDecoder } from '../cli/audit/decode.js';
import { isDevelopment, type EngineConfig } from '../config/env.js';
import { VENDORS } from '../domain/vendors.js';
import { workflowStatusQuery } from '../../workflows/shared/operator-messages.js';
import { QUERY_DEADLINE_MS } from '../cli/operators/workflow-status.js';
import { isTemporalUnreachable } from '../bridge/partner-api/errors.js';
import type { WebhookSpool } from '../spool/webhook-spool.js';
import { fieldsFromForm, type SubmittedForm } from './action-form.js';
import { createConsoleAuthenticator, type ConsolePrincipal } from './authentication.js';
import { identityClients } from './identity-clients.js';
import { crossSiteSign } from './request-origin.js';
import { FailedSignIns } from './sign-in-limit.js';
import { createParkedEvents } from '../operators/parked-events.js';
import { readQueue, QUEUE_KINDS } from './queue.js';
import { redriveFromConsole, redriveHeadline, type RedriveOutcome } from './redrive.js';
import { sendResolution } from './resolve.js';
import { ConsoleSessions, sessionCookie, sessionIdFrom, type ConsoleSession, type Flash } from './sessions.js';
import { html } from './html.js';
import { detailBody, detailTitle, type FormState } from './views/detail.js';
import { page, type PageOptions, type PageUser } from './views/layout.js';
import { parkedEventBody, parkedListBody } from './views/parked.js';
import { queueBody } from './views/queue.js';
import { signInPage } from './views/sign-in.js';
import { readWorkflowDetail } from './workflow-detail.js';

export interface ConsoleOptions {
  config: EngineConfig;
  client: Client;
  /** The bridge's spool: parked events are listed and re-driven from it and the dead letter. */
  spool: WebhookSpool;
}

const FORM_BODY_LIMIT = 64 * 1024;

/** Temporal out of reach: when to try again (as the bridge's /readyz and partner API say it). */
const TEMPORAL_RETRY_AFTER_SECONDS = 5;

/** Same-origin everything, no inline script or style, never framed, never cached (pages may hold PHI). */
const SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'content-security-policy':
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self'; " +
    "form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
  'x-content-type-options': 'nosniff',
  // No referrer leaves for another site; the console's own form posts keep their Origin (under `no-referrer` a
  // browser sends `Origin: null`, which the same-origin check must refuse where no Sec-Fetch-Site says otherwise).
  'referrer-policy': 'same-origin',
  'x-frame-options': 'DENY',
  'cache-control': 'no-store',
};

const ASSETS: Readonly<Record<string, string>> = {
  'console.css': 'text/css; charset=utf-8',
  'console.js': 'text/javascript; charset=utf-8',
};

/** Workflow ids as operators name them (the CLI's rule): no quotes, no slashes, bounded. */
const WORKFLOW_ID = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._:-]{0,199}$/);

const queueQuery = z.object({
  vendor: z
    .enum(['', ...VENDORS])
    .optional()
    .transform((value) => value || undefined),
  kind: z.enum(QUEUE_KINDS).default('all'),
  q: z.string().max(200).optional(),
});

/** The identity provider out of reach: a retry will do, nothing about the credential is wrong. */
const IDENTITY_RETRY_AFTER_SECONDS = 5;

/** Why a request gets no caller; with when to try again where waiting is the answer (429, 503). */
interface Refusal {
  status: 401 | 403 | 429 | 503;
  message: string;
  retryAfterSeconds?: number;
}

interface Caller {
  principal: ConsolePrincipal;
  /** Absent when the request authenticated with a bearer (no cookie, no CSRF token needed). */
  session?: ConsoleSession;
}

function formOf(request: FastifyRequest): SubmittedForm {
  const body = request.body;
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return {};
  return Object.fromEntries(
    Object.entries(body as Record<string, unknown>).filter(
      (entry): entry is [string, string] => typeof entry[1] === 'string',
    ),
  );
}

/**
 * Where to go after signing in: a console page, never another site. Printable ASCII only: a console URL is (its
 * other characters percent-encoded), and a Location header with anything else cannot be sent.
 */
function safeNext(next: string | undefined): string {
  return next && /^\/console(?:[/?][\x21-\x5b\x5d-\x7e]*)?$/.test(next) && !next.startsWith('//') ? next : '/console';
}

function loadAsset(name: string): string {
  return readFileSync(new URL(`./assets/${name}`, import.meta.url), 'utf8');
}

export function registerConsole(app: FastifyInstance, options: ConsoleOptions): void {
  void app.register(async (scope) => registerConsoleRoutes(scope, options), { prefix: '/console' });
}

async function registerConsoleRoutes(scope: FastifyInstance, options: ConsoleOptions): Promise<void> {
  const { config, client } = options;
  const authenticator = createConsoleAuthenticator(config);
  const sessions = new ConsoleSessions(config.CONSOLE_SESSION_TTL);
  const failedSignIns = new FailedSignIns(config.CONSOLE_SIGN_IN_RATE_LIMIT, config.CONSOLE_SIGN_IN_RATE_WINDOW);
  const clientFor = identityClients(client);
  const parked = createParkedEvents({ client, spool: options.spool, config });
  const decoder = localDecoder(config);
  const secureCookie = !isDevelopment(config);
  const assets = Object.fromEntries(Object.keys(ASSETS).map((name) => [name, loadAsset(name)]));
  const webUi = (config.TEMPORAL_UI_URL ?? `http://127.0.0.1:${config.TEMPORAL_UI_PORT}`).replace(/\/+$/, '');
  const webUiUrl = (workflowId: string) =>
    `${webUi}/namespaces/${encodeURIComponent(client.options.namespace)}/workflows/${encodeURIComponent(workflowId)}`;

  // Forms only: the bridge's JSON parser has no 64 KB cap (a 1 MB object cost half a second to read, unauthenticated
  // at sign-in), and nothing in the console posts JSON.
  scope.removeAllContentTypeParsers();
  scope.addContentTypeParser(
    'application/x-www-form-urlencoded',
    { parseAs: 'string', bodyLimit: FORM_BODY_LIMIT },
    (_request, body, done) => done(null, Object.fromEntries(new URLSearchParams(String(body)))),
  );
  // Before the body is read: a cross-site POST is refused whatever it carries (a session, a bearer, a credential).
  scope.addHook('onRequest', async (request, reply) => {
    if (request.method !== 'POST') return;
    const sign = crossSiteSign(request.headers);
    if (!sign) return;
    request.log.warn({ sign }, 'console POST from another site refused');
    return sendPage(reply, 403, {
      title: 'Not allowed',
      body: html`<h1>Not allowed</h1>
        <p role="alert">
          This form was sent from another site (${sign}), so the console did nothing with it. Use the console's own
          pages.
        </p>
        <p><a href="/console">Back to the queue</a></p>`,
    });
  });
  scope.addHook('onSend', async (_request, reply, payload) => {
    for (const [name, value] of Object.entries(SECURITY_HEADERS)) reply.header(name, value);
    return payload;
  });
  scope.setErrorHandler((error: FastifyError, request, reply) => {
    if (error.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE') {
      request.log.warn({ contentType: request.headers['content-type'] }, 'console body refused: not a form');
      return sendPage(reply, 415, {
        title: 'Not a form',
        body: html`<h1>Not a form</h1>
          <p role="alert">
            The console takes form posts only (<code>Content-Type: application/x-www-form-urlencoded</code>, at most
            ${FORM_BODY_LIMIT / 1024} KB). The partner API (<code>/api</code>) takes JSON.
          </p>
          <p><a href="/console">Back to the queue</a></p>`,
      });
    }
    if (error.code === 'FST_ERR_CTP_BODY_TOO_LARGE') {
      request.log.warn(
        { contentLength: request.headers['content-length'], limit: FORM_BODY_LIMIT },
        'console body refused: over the form limit',
      );
      return sendPage(reply, 413, {
        title: 'Form too large',
        body: html`<h1>Form too large</h1>
          <p role="alert">
            The console takes forms of at most ${FORM_BODY_LIMIT / 1024} KB, and this one was larger, so it did nothing
            with it. Shorten what you typed (a reason or a note) and send it again.
          </p>
          <p><a href="/console">Back to the queue</a></p>`,
      });
    }
    const status = error.statusCode && error.statusCode >= 400 && error.statusCode < 500 ? error.statusCode : 500;
    // A request the client got wrong is no fault of the console's: not worth an error-level line.
    const level = status === 500 ? 'error' : 'warn';
    request.log[level]({ err: { name: error.name, message: error.message } }, 'console request failed');
    return sendPage(reply, status, {
      title: 'Error',
      body: html`<h1>Something went wrong</h1>
        <p>
          ${
            status === 500
              ? 'The console could not finish this request; the bridge log has the details.'
              : error.message
          }
        </p>
        <p><a href="/console">Back to the queue</a></p>`,
    });
  });

  function sendPage(reply: FastifyReply, status: number, view: PageOptions) {
    return reply.code(status).header('content-type', 'text/html; charset=utf-8').send(page(view));
  }

  function pageUser(caller: Caller): PageUser {
    return { label: caller.principal.label, ...(caller.session ? { csrfToken: caller.session.csrfToken } : {}) };
  }

  /** A page for a signed-in user: who they are, sign-out, and the session's one-time message unless one is given. */
  function sendUserPage(reply: FastifyReply, caller: Caller, status: number, view: Omit<PageOptions, 'user'>) {
    const flash = view.flash ?? ConsoleSessions.takeFlash(caller.session);
    return sendPage(reply, status, { ...view, user: pageUser(caller), ...(flash ? { flash } : {}) });
  }

  /** Too many failed credentials from this address: why, and how long until it may try again. */
  function tooManyFailures(request: FastifyRequest, attempt: string): Refusal | undefined {
    const wait = failedSignIns.retryAfterSeconds(request.ip);
    if (wait === undefined) return undefined;
    request.log.warn({ retryAfter: wait }, `console ${attempt} refused: too many failed sign-ins from this address`);
    return {
      status: 429,
      message: `too many failed sign-ins from your address: try again in ${wait} s`,
      retryAfterSeconds: wait,
    };
  }

  /**
   * Who sends this request: a bearer on the request itself, else the session cookie. A credential in the header is
   * checked as a sign-in is, against the same count of failures per address: otherwise the header would be a way to
   * guess keys without limit.
   */
  async function callerOf(request: FastifyRequest): Promise<Caller | Refusal> {
    if (request.headers.authorization !== undefined) {
      const refused = tooManyFailures(request, 'bearer');
      if (refused) return refused;
      const fromHeader = await authenticator.authenticateHeader(request.headers.authorization);
      if (fromHeader?.ok) return { principal: fromHeader.principal };
      if (fromHeader) {
        request.log.warn({ status: fromHeader.status }, 'console bearer refused');
        // An identity provider out of reach (503) is nobody's wrong guess.
        if (fromHeader.status === 503) return { ...fromHeader, retryAfterSeconds: IDENTITY_RETRY_AFTER_SECONDS };
        failedSignIns.recordFailure(request.ip);
        return fromHeader;
      }
    }
    const session = sessions.get(sessionIdFrom(request.headers.cookie));
    if (session) return { principal: session.principal, session };
    return { status: 401, message: 'sign in to use the console' };
  }

  /** Wraps a handler that needs a signed-in user; a POST from a session must carry the session's CSRF token. */
  function signedIn(handler: (request: FastifyRequest, reply: FastifyReply, caller: Caller) => Promise<unknown>) {
    return async (request: FastifyRequest, reply: FastifyReply) => {
      const caller = await callerOf(request);
      if (!('principal' in caller)) {
        // A browser without credentials is sent to sign in; anything else is told why it is refused.
        if (request.method === 'GET' && !request.headers.authorization && caller.status === 401) {
          return reply.redirect(`/console/sign-in?next=${encodeURIComponent(request.url)}`, 303);
        }
        if (caller.retryAfterSeconds !== undefined) reply.header('retry-after', String(caller.retryAfterSeconds));
        return sendPage(reply, caller.status, {
          title: 'Not allowed',
          body: html`<h1>Not allowed</h1>
            <p role="alert">${caller.message}.</p>
            <p><a href="/console/sign-in">Sign in</a></p>`,
        });
      }
      if (
        request.method === 'POST' &&
        caller.session &&
        !ConsoleSessions.checkCsrf(caller.session, formOf(request)._csrf)
      ) {
        return sendUserPage(reply, caller, 403, {
          title: 'Not allowed',
          body: html`<h1>Not allowed</h1>
            <p role="alert">
              This form is out of date or was not sent from the console: reload the page and try again.
            </p>`,
        });
      }
      try {
        return await handler(request, reply, caller);
      } catch (error) {
        return temporalTrouble(request, reply, caller, error);
      }
    };
  }

  const noSuchWorkflow = (reply: FastifyReply, caller: Caller, workflowId: string) =>
    sendUserPage(reply, caller, 404, {
      title: 'Not found',
      body: html`<h1>Not found</h1>
        <p>No workflow ${workflowId} in namespace ${client.options.namespace}.</p>
        <p><a href="/console">Back to the queue</a></p>`,
    });

  /** Temporal's answers that are the user's to know: no such workflow (404), Temporal out of reach (503). */
  function temporalTrouble(request: FastifyRequest, reply: FastifyReply, caller: Caller, error: unknown) {
    if (error instanceof WorkflowNotFoundError) return noSuchWorkflow(reply, caller, error.workflowId);
    if (!isTemporalUnreachable(error)) throw error;
    request.log.warn({ err: { name: (error as Error).name } }, 'console request: Temporal unreachable');
    reply.header('retry-after', String(TEMPORAL_RETRY_AFTER_SECONDS));
    return sendUserPage(reply, caller, 503, {
      title: 'Temporal unreachable',
      body: html`<h1>Temporal is unreachable</h1>
        <p role="alert">
          The console could not reach Temporal (namespace ${client.options.namespace}) or got no answer in time. Try
          again in a few seconds; if it lasts, check that Temporal is running (the bridge's <code>/readyz</code> says
          whether it reaches it).
        </p>
        <p><a href="/console">Back to the queue</a></p>`,
    });
  }

  /** After an action: a session gets the message on the next page (POST, redirect, GET); a bearer caller at once. */
  function afterAction(
    reply: FastifyReply,
    caller: Caller,
    location: string,
    flash: Flash,
    show: () => Promise<unknown>,
  ) {
    if (!caller.session) return show();
    caller.session.flash = flash;
    return reply.redirect(location, 303);
  }

  // ------------------------------------------------------------------------------------------ assets, sign-in

  scope.get('/assets/:name', async (request, reply) => {
    const name = (request.params as { name: string }).name;
    // Own names only: `constructor` or `toString` would find Object.prototype's.
    const type = Object.hasOwn(ASSETS, name) ? ASSETS[name] : undefined;
    if (!type || assets[name] === undefined) return reply.code(404).send('not found');
    return reply.header('content-type', type).send(assets[name]);
  });

  scope.get('/sign-in', async (request, reply) => {
    const next = safeNext((request.query as { next?: string }).next);
    if (sessions.get(sessionIdFrom(request.headers.cookie))) return reply.redirect(next, 303);
    return reply
      .header('content-type', 'text/html; charset=utf-8')
      .send(signInPage({ methods: authenticator.methods, developmentKey: authenticator.developmentKey, next }));
  });

  scope.post('/sign-in', async (request, reply) => {
    const form = formOf(request);
    const next = safeNext(form.next);
    const operator = (form.operator ?? '').trim().slice(0, 200);
    const refuse = (status: number, problem: string) =>
      reply
        .code(status)
        .header('content-type', 'text/html; charset=utf-8')
        .send(
          signInPage({
            methods: authenticator.methods,
            developmentKey: authenticator.developmentKey,
            next,
            operator,
            problem,
          }),
        );
    const tooMany = tooManyFailures(request, 'sign-in');
    if (tooMany) {
      reply.header('retry-after', String(tooMany.retryAfterSeconds));
      return refuse(tooMany.status, tooMany.message);
    }
    const result = await authenticator.authenticate(form.credential ?? '');
    if (!result.ok) {
      request.log.warn({ status: result.status }, 'console sign-in refused');
      // An identity provider out of reach (503) is nobody's wrong guess.
      if (result.status !== 503) failedSignIns.recordFailure(request.ip);
      else reply.header('retry-after', String(IDENTITY_RETRY_AFTER_SECONDS));
      return refuse(result.status, result.message);
    }
    const session = sessions.create(result.principal, operator || result.principal.suggestedOperator);
    request.log.info({ consoleUser: result.principal.label }, 'console sign-in');
    return reply.header('set-cookie', sessionCookie(session, secureCookie)).redirect(next, 303);
  });

  scope.post(
    '/sign-out',
    signedIn(async (_request, reply, caller) => {
      if (caller.session) sessions.end(caller.session.id);
      return reply.header('set-cookie', sessionCookie(undefined, secureCookie)).redirect('/console/sign-in', 303);
    }),
  );

  // ------------------------------------------------------------------------------------------ the queue

  scope.get(
    '/',
    signedIn(async (request, reply, caller) => {
      const parsed = queueQuery.safeParse(request.query);
      const filters = parsed.success
        ? {
            kind: parsed.data.kind,
            ...(parsed.data.vendor ? { vendor: parsed.data.vendor } : {}),
            ...(parsed.data.q ? { search: parsed.data.q } : {}),
          }
        : { kind: 'all' as const };
      const now = Date.now();
      const reading = await readQueue(client, parked, filters);
      return sendUserPage(reply, caller, 200, {
        title: 'Queue',
        section: 'queue',
        body: queueBody(reading, filters, now),
      });
    }),
  );

  // ------------------------------------------------------------------------------------------ a workflow

  async function showWorkflow(
    reply: FastifyReply,
    caller: Caller,
    workflowId: string,
    extra: { status?: number; form?: FormState; flash?: Flash } = {},
  ) {
    const detail = await readWorkflowDetail(client, decoder, workflowId);
    if (!detail) return noSuchWorkflow(reply, caller, workflowId);
    return sendUserPage(reply, caller, extra.status ?? 200, {
      title: detailTitle(detail),
      section: 'queue',
      ...(extra.flash ? { flash: extra.flash } : {}),
      body: detailBody({
        detail,
        webUiUrl: webUiUrl(workflowId),
        operator: caller.session?.operator ?? caller.principal.suggestedOperator,
        ...(caller.session ? { csrfToken: caller.session.csrfToken } : {}),
        ...(extra.form ? { form: extra.form } : {}),
        now: Date.now(),
      }),
    });
  }

  function workflowIdOf(request: FastifyRequest): string | undefined {
    const parsed = WORKFLOW_ID.safeParse((request.params as { workflowId?: unknown }).workflowId);
    return parsed.success ? parsed.data : undefined;
  }

  const badId = (reply: FastifyReply, caller: Caller) =>
    sendUserPage(reply, caller, 400, {
      title: 'Not an id',
      body: html`<h1>Not a workflow id</h1>
        <p>Workflow ids are letters, digits, ".", "_", ":" and "-".</p>`,
    });

  scope.get(
    '/workflows/:workflowId',
    signedIn(async (request, reply, caller) => {
      const workflowId = workflowIdOf(request);
      return workflowId ? showWorkflow(reply, caller, workflowId) : badId(reply, caller);
    }),
  );

  scope.post(
    '/workflows/:workflowId/resolve',
    { bodyLimit: FORM_BODY_LIMIT },
    signedIn(async (request, reply, caller) => {
      const workflowId = workflowIdOf(request);
      if (!workflowId) return badId(reply, caller);
      const form = formOf(request);
      const action = (form.action ?? '').trim();
      // The action's field definitions type the form's values; the workflow's validator judges them.
      const status = await client
        .withDeadline(Date.now() + QUERY_DEADLINE_MS, () =>
          client.workflow.getHandle(workflowId).query(workflowStatusQuery),
        )
        .catch(() => undefined);
      const offered = status?.offeredActions?.find((candidate) => candidate.action === action);
      const input = {
        action,
        fields: fieldsFromForm(offered, form),
        operator: form.operator ?? '',
        reason: form.reason ?? '',
      };
      const outcome = await sendResolution(clientFor(caller.principal.identity), workflowId, input);
      request.log.info(
        { consoleUser: caller.principal.label, workflowId, action, outcome: outcome.kind },
        'console resolution',
      );
      if (caller.session && input.operator.trim()) caller.session.operator = input.operator.trim().slice(0, 200);
      if (outcome.kind === 'accepted') {
        const flash: Flash = { kind: 'success', text: `Accepted: ${outcome.message}` };
        return afterAction(reply, caller, `/console/workflows/${encodeURIComponent(workflowId)}`, flash, () =>
          showWorkflow(reply, caller, workflowId, { flash }),
        );
      }
      if (outcome.kind === 'unavailable') {
        return showWorkflow(reply, caller, workflowId, {
          status: 409,
          flash: { kind: 'error', text: outcome.message },
        });
      }
      return showWorkflow(reply, caller, workflowId, {
        status: 422,
        form: { action, submitted: form, refusal: outcome.message },
      });
    }),
  );

  // ------------------------------------------------------------------------------------------ parked events

  scope.get(
    '/parked',
    signedIn(async (_request, reply, caller) => {
      return sendUserPage(reply, caller, 200, {
        title: 'Parked events',
        section: 'parked',
        body: parkedListBody(await parked.list(), Date.now()),
      });
    }),
  );

  const parkedId = (request: FastifyRequest) => (request.params as { id?: string }).id ?? '';
  const noSuchEvent = (reply: FastifyReply, caller: Caller) =>
    sendUserPage(reply, caller, 404, {
      title: 'Not found',
      section: 'parked',
      body: html`<h1>Not found</h1>
        <p>No parked event has this id (any more).</p>
        <p><a href="/console/parked">Parked events</a></p>`,
    });

  async function showParkedEvent(reply: FastifyReply, caller: Caller, id: string, redriven?: RedriveOutcome) {
    const found = await parked.read(id);
    if (!found) return noSuchEvent(reply, caller);
    const allowed = caller.principal.mayReadBodies;
    return sendUserPage(reply, caller, allowed ? 200 : 403, {
      title: 'Parked event',
      section: 'parked',
      body: parkedEventBody({
        event: found.event,
        ...(allowed ? { body: found.body } : {}),
        ...(redriven ? { redrive: redriven } : {}),
        ...(caller.session ? { csrfToken: caller.session.csrfToken } : {}),
        now: Date.now(),
      }),
    });
  }

  scope.get(
    '/parked/:id',
    signedIn(async (request, reply, caller) => showParkedEvent(reply, caller, parkedId(request))),
  );

  scope.post(
    '/parked/:id/redrive',
    { bodyLimit: FORM_BODY_LIMIT },
    signedIn(async (request, reply, caller) => {
      const id = parkedId(request);
      const asCaller = createParkedEvents({
        client: clientFor(caller.principal.identity),
        spool: options.spool,
        config,
      });
      const outcome = await redriveFromConsole(asCaller, id, caller.principal.label);
      if (!outcome) return noSuchEvent(reply, caller);
      request.log.info(
        { consoleUser: caller.principal.label, parkedEvent: id, delivered: outcome.delivered },
        'console re-drive',
      );
      const flash: Flash = { kind: outcome.delivered ? 'success' : 'error', text: redriveHeadline(outcome) };
      return afterAction(reply, caller, `/console/parked/${id}`, flash, () =>
        showParkedEvent(reply, caller, id, outcome),
      );
    }),
  );
}
