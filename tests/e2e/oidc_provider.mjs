// A real OpenID Connect provider on loopback (the npm package oidc-provider), standing in for
// the municipality's Entra ID / AD FS in the single sign-on tests and the production smoke run.
//
//   node tests/e2e/oidc_provider.mjs <config.json>
//
// config.json: {"port": 9000, "client_id": "...", "client_secret": "...",
//               "redirect_uris": ["http://127.0.0.1:8000/oidc/callback/"],
//               "accounts": {"lmu1": {"password": "...", "email": "...", "name": "...",
//                                     "groups": ["..."]}}}
//
// Its own sign-in page (no external fonts or scripts, unlike the package's development pages)
// asks for user name and password; consent is given at once, as a municipality's own directory
// does for its own applications. The ID token carries the profile, e-mail and groups claims
// (as Entra ID puts "groups" in the ID token). Prints "listening" when ready.
import { generateKeyPairSync } from 'node:crypto';
import { readFileSync } from 'node:fs';
import http from 'node:http';

import Provider, { interactionPolicy } from 'oidc-provider';

const config = JSON.parse(readFileSync(process.argv[2], 'utf8'));
const issuer = `http://127.0.0.1:${config.port}`;
const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
const signingKey = { ...privateKey.export({ format: 'jwk' }), kid: 'loopback-1', use: 'sig', alg: 'RS256' };

function account(login) {
  const found = config.accounts[login];
  if (!found || found.disabled) return undefined;
  return {
    accountId: login,
    async claims() {
      return {
        sub: found.sub || login,
        preferred_username: found.preferred_username || login,
        email: found.email,
        email_verified: found.email_verified !== undefined ? found.email_verified : true,
        name: found.name,
        given_name: found.given_name,
        family_name: found.family_name,
        groups: found.groups || [],
      };
    },
  };
}

// A disabled account's session no longer counts: a silent sign-in (prompt=none) answers
// login_required, as the directory does once an account is disabled or signed out.
const policy = interactionPolicy.base();
policy.get('login').checks.push(new interactionPolicy.Check(
  'account_disabled',
  'The account is disabled in the directory',
  'login_required',
  (ctx) => {
    const login = ctx.oidc.session.accountId;
    return login && config.accounts[login]?.disabled
      ? interactionPolicy.Check.REQUEST_PROMPT
      : interactionPolicy.Check.NO_NEED_TO_PROMPT;
  },
));

const provider = new Provider(issuer, {
  clients: [{
    client_id: config.client_id,
    client_secret: config.client_secret,
    redirect_uris: config.redirect_uris,
    token_endpoint_auth_method: 'client_secret_post',
    id_token_signed_response_alg: 'RS256',
  }],
  jwks: { keys: [signingKey] },
  cookies: { keys: [config.client_secret] },
  claims: {
    openid: ['sub'],
    email: ['email', 'email_verified'],
    profile: ['name', 'given_name', 'family_name', 'preferred_username'],
    groups: ['groups'],
  },
  scopes: ['openid', 'email', 'profile', 'groups'],
  conformIdTokenClaims: false,
  features: { devInteractions: { enabled: false } },
  interactions: { policy, url: (ctx, interaction) => `/interaction/${interaction.uid}` },
  findAccount: (ctx, id) => account(id),
  ttl: { Session: 3600, Interaction: 600, Grant: 3600, AccessToken: 600, IdToken: 600, AuthorizationCode: 60 },
});

const escape = (text) => String(text).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

function page(res, uid, error) {
  res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' });
  res.end(`<!DOCTYPE html><html lang="da"><head><meta charset="utf-8"><title>Kommunens log ind</title></head>
<body><h1>Kommunens log ind</h1>${error ? `<p role="alert">${escape(error)}</p>` : ''}
<form method="post" action="/interaction/${escape(uid)}">
<label for="login">Brugernavn</label> <input id="login" name="login" autofocus>
<label for="password">Adgangskode</label> <input id="password" name="password" type="password">
<button type="submit">Log ind</button></form></body></html>`);
}

async function readForm(req) {
  let body = '';
  for await (const chunk of req) body += chunk;
  return new URLSearchParams(body);
}

async function interaction(req, res, uid) {
  const details = await provider.interactionDetails(req, res);
  const { prompt, params, session, grantId } = details;
  if (prompt.name === 'consent') {
    const grant = grantId ? await provider.Grant.find(grantId)
      : new provider.Grant({ accountId: session.accountId, clientId: params.client_id });
    if (prompt.details.missingOIDCScope) grant.addOIDCScope(prompt.details.missingOIDCScope.join(' '));
    if (prompt.details.missingOIDCClaims) grant.addOIDCClaims(prompt.details.missingOIDCClaims);
    await provider.interactionFinished(req, res, { consent: { grantId: await grant.save() } }, { mergeWithLastSubmission: true });
    return;
  }
  if (req.method === 'GET') {
    page(res, uid);
    return;
  }
  const form = await readForm(req);
  const login = form.get('login') || '';
  const found = config.accounts[login];
  if (!found || found.disabled || found.password !== form.get('password')) {
    page(res, uid, 'Forkert brugernavn eller adgangskode.');
    return;
  }
  await provider.interactionFinished(req, res, { login: { accountId: login } }, { mergeWithLastSubmission: false });
}

// The directory changes while the application runs (a person leaves a group, gets another
// address): POST /test/accounts/<login> with a JSON object of the account's new values; an
// account set to {"disabled": true} is signed out of the directory and cannot sign in.
async function changeAccount(req, res, login) {
  let body = '';
  for await (const chunk of req) body += chunk;
  Object.assign(config.accounts[login], JSON.parse(body || '{}'));
  res.writeHead(204);
  res.end();
}

const handle = provider.callback();
const server = http.createServer((req, res) => {
  const change = req.url.match(/^\/test\/accounts\/([^/?]+)$/);
  if (change && req.method === 'POST' && config.accounts[decodeURIComponent(change[1])]) {
    changeAccount(req, res, decodeURIComponent(change[1])).catch((error) => {
      res.writeHead(400);
      res.end(String(error));
    });
    return;
  }
  const match = req.url.match(/^\/interaction\/([^/?]+)/);
  if (!match) {
    handle(req, res);
    return;
  }
  interaction(req, res, match[1]).catch((error) => {
    console.error(error);
    res.writeHead(400, { 'content-type': 'text/plain; charset=utf-8' });
    res.end(String(error.message || error));
  });
});
server.listen(config.port, '127.0.0.1', () => console.log(`listening on ${issuer}`));
for (const signal of ['SIGTERM', 'SIGINT']) process.on(signal, () => server.close(() => process.exit(0)));
