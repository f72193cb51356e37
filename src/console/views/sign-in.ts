// The sign-in page: a partner API key with the operate scope, or an access token from the identity provider, and the
// name to record as the operator. In development it names the sandbox's dev key; without any configured way in it
// says what to configure, and nobody gets in.
import { html } from '../html.js';
import { page } from './layout.js';

export interface SignInView {
  methods: { partnerApiKeys: boolean; accessTokens: boolean };
  developmentKey: string | undefined;
  next: string;
  operator?: string;
  problem?: string;
}

export function signInPage(view: SignInView): string {
  const configured = view.methods.partnerApiKeys || view.methods.accessTokens;
  const credential = [
    view.methods.partnerApiKeys ? 'a partner API key with the operate scope' : undefined,
    view.methods.accessTokens ? 'an access token from your identity provider' : undefined,
  ]
    .filter(Boolean)
    .join(' or ');
  return page({
    title: 'Sign in',
    body: html`<section class="sign-in" aria-labelledby="sign-in-title">
      <h1 id="sign-in-title">Sign in</h1>
      ${
        configured
          ? html`<p>
              Use ${credential}. Everything you do here is recorded with who you signed in as, beside the operator name
              below.
            </p>`
          : html`<p class="flash error" role="alert">
              No way to sign in is configured. Set <code>PARTNER_API_KEYS</code> with a
              <code>name:operate:key</code> entry, or <code>CODEC_JWKS_URL</code> with its issuer and audience
              (docs/CONSOLE.md).
            </p>`
      }
      ${
        view.developmentKey
          ? html`<p class="notice" role="note">
              <strong>Development:</strong> the sandbox's partner API key signs you in:
              <code>${view.developmentKey}</code> (<code>src/sandbox/dev-credentials.ts</code>). Production has no such
              key.
            </p>`
          : ''
      }
      ${view.problem ? html`<p class="flash error" role="alert" id="sign-in-problem">${view.problem}</p>` : ''}
      <form method="post" action="/console/sign-in" class="stack">
        <input type="hidden" name="next" value="${view.next}" />
        <div class="field">
          <label for="credential">API key or access token</label>
          <input
            id="credential"
            name="credential"
            type="password"
            autocomplete="off"
            required
            ${view.problem ? html`aria-invalid="true" aria-describedby="sign-in-problem"` : ''}
          />
        </div>
        <div class="field">
          <label for="operator">Your name</label>
          <p class="hint" id="operator-hint">
            Recorded as the operator of what you do (you can change it on each form).
          </p>
          <input
            id="operator"
            name="operator"
            type="text"
            autocomplete="name"
            aria-describedby="operator-hint"
            value="${view.operator ?? ''}"
          />
        </div>
        <button type="submit" ${configured ? '' : html` disabled`}>Sign in</button>
      </form>
    </section>`,
  });
}
