import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';

/**
 * The browser way in: /ops/login shows a form for the operator token; a correct token is set as
 * the `wxa_operator` cookie that src/capture/operator-auth.ts also accepts beside a Bearer header.
 * The cookie is HttpOnly (page scripts cannot read it), SameSite=Strict (another site cannot make
 * the browser send it, which is what protects POST /ops/replay from cross-site requests), Secure
 * when the request came over HTTPS, and lasts 12 hours.
 */
export const COOKIE_NAME = 'wxa_operator';
const MAX_AGE_SECONDS = 12 * 3600;

export function tokenMatches(presented: unknown, token: string): boolean {
  if (typeof presented !== 'string' || presented === '') return false;
  const digest = (s: string) => createHash('sha256').update(s).digest();
  return timingSafeEqual(digest(presented), digest(token));
}

export function loginPage(message = ''): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>webex-archiver · operator sign-in</title>
<meta name="viewport" content="width=device-width, initial-scale=1"><link rel="stylesheet" href="/ops/login.css"></head>
<body class="login"><main>
<h1>webex-archiver</h1><p>Operator sign-in</p>
${message ? `<p class="error" role="alert">${message}</p>` : ''}
<form method="post" action="/ops/login">
<label for="token">Operator token</label>
<input id="token" name="token" type="password" autocomplete="current-password" required autofocus>
<button type="submit">Sign in</button>
</form></main></body></html>
`;
}

export const LOGIN_CSS = `body.login{font:15px/1.4 system-ui,sans-serif;background:#f4f5f7;color:#1d2433;display:flex;justify-content:center;padding-top:12vh}
main{background:#fff;border:1px solid #d8dce3;border-radius:8px;padding:24px 28px;min-width:320px}
h1{font-size:20px;margin:0}label{display:block;margin:16px 0 4px}input{width:100%;padding:8px;box-sizing:border-box}
button{margin-top:14px;padding:8px 16px}.error{color:#b3261e}`;

export const UNAUTHORIZED_HTML = '<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Sign in</title></head><body><p>Unauthorized. <a href="/ops/login">Sign in</a></p></body></html>\n';

export function setSessionCookie(req: FastifyRequest, reply: FastifyReply, token: string): void {
  const secure = req.protocol === 'https' ? '; Secure' : '';
  reply.header('Set-Cookie', `${COOKIE_NAME}=${encodeURIComponent(token)}; Path=/; HttpOnly; SameSite=Strict; Max-Age=${MAX_AGE_SECONDS}${secure}`);
}

export function clearSessionCookie(reply: FastifyReply): void {
  reply.header('Set-Cookie', `${COOKIE_NAME}=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0`);
}
