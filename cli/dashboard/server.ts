import { createHash, timingSafeEqual } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { UserError } from '../errors.js';
import { packagePath } from '../paths.js';
import { answer, answersJson } from '../query/ask.js';
import { parseFilters, type QueryOptionValues } from '../query/cli-options.js';
import type { QuerySource } from '../query/source.js';
import { PANELS } from './panels.js';
import { pageHtml } from './page.js';

export const COOKIE = 'ts_dashboard';

export interface DashboardOptions {
  source: QuerySource;
  /** The stack's backend as `--json` names it (embedded, clickhouse or loki). */
  backend: string;
  port: number;
  /** Team mode: the bearer token every request must carry (header or cookie); undefined = none. */
  token: string | undefined;
  /** Where the built page (app.js, app.css) lives; dist/dashboard of the package by default. */
  assetsDir?: string;
}

export interface Dashboard {
  url: string;
  port: number;
  close(): Promise<void>;
}

// The page loads only what this server serves: no CDN, no inline script, and nothing can frame it.
const CSP = "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self' data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

const ASSETS: Record<string, string> = { '/app.js': 'text/javascript; charset=utf-8', '/app.css': 'text/css; charset=utf-8', '/LICENSES.txt': 'text/plain; charset=utf-8' };

// Query parameters an endpoint accepts, and the CLI option each stands for.
type TextOption = 'since' | 'until' | 'service' | 'user' | 'model' | 'verb' | 'limit' | 'userAttribute';
const PARAMS: Record<string, TextOption | 'raw'> = {
  since: 'since',
  until: 'until',
  service: 'service',
  user: 'user',
  model: 'model',
  verb: 'verb',
  limit: 'limit',
  raw: 'raw',
  user_attribute: 'userAttribute',
};
const FILTER_OF: Record<string, string> = { service: 'service', user: 'user', model: 'model', verb: 'verb', limit: 'limit', raw: 'raw', user_attribute: 'user-attribute' };

export const assetsDir = (): string => packagePath('dist', 'dashboard');

function digest(text: string): Buffer {
  return createHash('sha256').update(text, 'utf8').digest();
}

/** Same token, compared in constant time over fixed-length digests (lengths differ otherwise). */
function sameToken(given: string | undefined, token: string): boolean {
  return given !== undefined && timingSafeEqual(digest(given), digest(token));
}

function cookieToken(req: IncomingMessage): string | undefined {
  for (const part of (req.headers.cookie ?? '').split(';')) {
    const [name, ...rest] = part.trim().split('=');
    if (name === COOKIE) return decodeURIComponent(rest.join('='));
  }
  return undefined;
}

function bearer(req: IncomingMessage): string | undefined {
  const m = /^Bearer\s+(.+)$/i.exec(req.headers.authorization ?? '');
  return m?.[1]?.trim();
}

function send(res: ServerResponse, status: number, type: string, body: string | Buffer, extra: Record<string, string> = {}): void {
  res.writeHead(status, {
    'content-type': type,
    'cache-control': 'no-store',
    'x-content-type-options': 'nosniff',
    'referrer-policy': 'no-referrer',
    'content-security-policy': CSP,
    ...extra,
  });
  res.end(body);
}

const sendJson = (res: ServerResponse, status: number, value: unknown) => send(res, status, 'application/json; charset=utf-8', JSON.stringify(value));

/** Answers one panel's question from the query string, through the CLI's own option parsing. */
async function panelAnswer(source: QuerySource, backend: string, name: string, query: URLSearchParams): Promise<unknown> {
  const panel = PANELS[name]!;
  const values: QueryOptionValues = {};
  for (const [key, value] of query) {
    const option = PARAMS[key];
    if (option === undefined)
      throw new UserError(`${key}: not a parameter of /api/${name}; use ${['since', 'until', ...panel.filters.map((f) => Object.keys(FILTER_OF).find((k) => FILTER_OF[k] === f)!)].join(', ')}`);
    if (FILTER_OF[key] !== undefined && !panel.filters.includes(FILTER_OF[key] as (typeof panel.filters)[number])) throw new UserError(`${key}: ${panel.cli} has no such filter; leave it out`);
    if (option === 'raw') values.raw = value === '1' || value === 'true';
    else values[option] = value;
  }
  const filters = parseFilters(values, panel.limit);
  const answers = await answer(source, panel.question, filters);
  return answersJson(backend, panel.question, filters, answers);
}

/**
 * The dashboard's HTTP server: the page, its two built assets and one JSON endpoint per panel.
 * Bound to 127.0.0.1 only; other hosts reach it only through something the operator sets up.
 */
export async function startDashboard(options: DashboardOptions): Promise<Dashboard> {
  const dir = options.assetsDir ?? assetsDir();
  if (!existsSync(join(dir, 'app.js'))) throw new UserError(`the dashboard page is not built (${join(dir, 'app.js')} is missing); run \`npm run build\``);
  const assets = new Map(
    Object.keys(ASSETS)
      .filter((p) => existsSync(join(dir, p.slice(1))))
      .map((p) => [p, readFileSync(join(dir, p.slice(1)))]),
  );
  const html = pageHtml();
  let port = 0;

  const server: Server = createServer((req, res) => {
    void handle(req, res).catch((e: unknown) => {
      if (!res.headersSent) sendJson(res, 500, { error: e instanceof Error ? e.message.split('\n')[0] : String(e) });
      else res.end();
    });
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    // A page elsewhere could point a name at 127.0.0.1 (DNS rebinding) and read the answers; only
    // requests addressed to this server by its loopback name are served.
    const host = req.headers.host ?? '';
    if (host !== `127.0.0.1:${port}` && host !== `localhost:${port}`) return send(res, 421, 'text/plain; charset=utf-8', 'misdirected request: open the dashboard at the address it printed\n');
    if (req.method !== 'GET' && req.method !== 'HEAD') return send(res, 405, 'text/plain; charset=utf-8', 'only GET\n', { allow: 'GET, HEAD' });
    const url = new URL(req.url ?? '/', `http://${host}`);
    if (options.token !== undefined) {
      const first = url.searchParams.get('token');
      if (url.pathname === '/' && first !== null && sameToken(first, options.token)) {
        // The token moves from the address bar into a cookie the page's scripts cannot read, and the
        // redirect drops it from the URL (and so from history and screenshots).
        return send(res, 303, 'text/plain; charset=utf-8', '', {
          location: '/',
          'set-cookie': `${COOKIE}=${encodeURIComponent(first)}; HttpOnly; SameSite=Strict; Path=/`,
        });
      }
      if (!sameToken(bearer(req), options.token) && !sameToken(cookieToken(req), options.token)) {
        return send(res, 401, 'text/plain; charset=utf-8', 'unauthorized: send the team bearer token (Authorization: Bearer ...) or open /?token=<token> once\n', { 'www-authenticate': 'Bearer' });
      }
    }
    if (url.pathname === '/' || url.pathname === '/index.html') return send(res, 200, 'text/html; charset=utf-8', html);
    const asset = assets.get(url.pathname);
    if (asset) return send(res, 200, ASSETS[url.pathname]!, asset);
    const api = /^\/api\/([a-z-]+)$/.exec(url.pathname);
    if (api) {
      if (PANELS[api[1]!] === undefined) return sendJson(res, 404, { error: `no panel ${api[1]}; panels: ${Object.keys(PANELS).join(', ')}` });
      try {
        return sendJson(res, 200, await panelAnswer(options.source, options.backend, api[1]!, url.searchParams));
      } catch (e) {
        // A person's mistake (a bad range, storage not running) is shown in the panel as one line.
        if (e instanceof UserError) return sendJson(res, 400, { error: e.message });
        throw e;
      }
    }
    // Browsers ask for an icon on any page of this origin, including the 401 page a first visit
    // gets, and that request may land after the token's cookie is set: no content, not a 404 in
    // the console (the dashboard's own page names an empty icon and asks for nothing).
    if (url.pathname === '/favicon.ico') return send(res, 204, 'image/x-icon', '');
    return send(res, 404, 'text/plain; charset=utf-8', 'not found\n');
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', (e: NodeJS.ErrnoException) =>
      reject(e.code === 'EADDRINUSE' ? new UserError(`--port ${options.port}: 127.0.0.1:${options.port} is in use; pick another port or leave --port out for a free one`) : e),
    );
    server.listen(options.port, '127.0.0.1', () => resolve());
  });
  port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}/`,
    port,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
