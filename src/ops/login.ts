/**
 * The browser way in: /ops/login shows a form for the operator token; a correct token opens a
 * server-side session (operator-sessions.ts) whose id the `wxa_session` cookie carries
 * (session-cookie.ts). The token is checked by src/capture/operator-auth.ts, the same check the
 * Bearer header gets.
 */
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
