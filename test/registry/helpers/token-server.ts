// A token server for the token-auth registry, written for the tests: it checks Basic credentials
// (or an OAuth2 refresh token), grants what the scope asks for, and signs an RS256 JWT with an
// x5c header that docker-registry verifies against the certificate in its rootcertbundle.
// Anonymous callers get pull access to repositories under "public/" only, as on Docker Hub.

import { randomBytes, sign, X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import http from 'node:http';
import { closeServer, makeCertificate, onCleanup } from './registry-server.js';

export interface TokenRequestLog {
  method: string;
  scopes: string[];
  /** The user the request authenticated as, or null for anonymous. */
  user: string | null;
  grant: 'basic' | 'refresh_token' | 'anonymous';
}

export interface TokenServer {
  realm: string;
  service: string;
  issuer: string;
  certPath: string;
  log: TokenRequestLog[];
}

export async function startTokenServer(users: Record<string, string>, refreshTokens: Record<string, string> = {}): Promise<TokenServer> {
  const { keyPath, certPath } = makeCertificate('elfscan-test-token-signer');
  const key = readFileSync(keyPath);
  const certDer = new X509Certificate(readFileSync(certPath)).raw.toString('base64');
  const service = 'elfscan-test-registry';
  const issuer = 'elfscan-test-issuer';
  const log: TokenRequestLog[] = [];

  const jwt = (sub: string, access: { type: string; name: string; actions: string[] }[]) => {
    const b64 = (o: unknown) => Buffer.from(JSON.stringify(o)).toString('base64url');
    const now = Math.floor(Date.now() / 1000);
    const head = b64({ typ: 'JWT', alg: 'RS256', x5c: [certDer] });
    const claims = b64({ iss: issuer, sub, aud: service, exp: now + 300, nbf: now - 10, iat: now, jti: randomBytes(8).toString('hex'), access });
    return `${head}.${claims}.${sign('sha256', Buffer.from(`${head}.${claims}`), key).toString('base64url')}`;
  };

  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://token');
      const form = req.method === 'POST' ? new URLSearchParams(Buffer.concat(chunks).toString()) : null;
      const scopes = form ? (form.get('scope') ?? '').split(' ').filter(Boolean) : url.searchParams.getAll('scope');
      let user: string | null = null;
      let grant: TokenRequestLog['grant'] = 'anonymous';
      if (form) {
        grant = 'refresh_token';
        user = form.get('grant_type') === 'refresh_token' ? (refreshTokens[form.get('refresh_token') ?? ''] ?? null) : null;
        if (!user) return answer(401, { error: 'invalid_grant' });
      } else if (req.headers.authorization) {
        grant = 'basic';
        const [scheme, value] = req.headers.authorization.split(' ');
        const [name, ...rest] = Buffer.from(value ?? '', 'base64').toString().split(':');
        if (scheme !== 'Basic' || !name || users[name] === undefined || users[name] !== rest.join(':')) return answer(401, { error: 'bad credentials' });
        user = name;
      }
      log.push({ method: req.method ?? '', scopes, user, grant });
      const access = scopes.flatMap((s) => {
        const [type, name, actions] = s.split(':');
        if (type !== 'repository' || !name || !actions) return [];
        const granted = user ? actions.split(',') : name.startsWith('public/') ? actions.split(',').filter((a) => a === 'pull') : [];
        return granted.length > 0 ? [{ type, name, actions: granted }] : [];
      });
      const token = jwt(user ?? '', access);
      answer(200, { token, access_token: token, expires_in: 300, issued_at: new Date().toISOString() });
    });
    const answer = (status: number, body: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body));
    };
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  onCleanup(() => closeServer(server));
  const { port } = server.address() as { port: number };
  return { realm: `http://127.0.0.1:${port}/token`, service, issuer, certPath, log };
}
