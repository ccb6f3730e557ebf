/**
 * The browser test transport: serves the built renderer and the REAL service handlers over HTTP on
 * 127.0.0.1, guarded by a random token (and a Host check against DNS rebinding). Same handler
 * module and validation as Electron's IPC; only the transport differs. Browsers cannot give file
 * paths, so dropped files are uploaded into the session folder and registered as chosen.
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdir, readFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { dirname, extname, join, normalize, relative, resolve, sep } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { sanitizeFileName } from '../../../electron/core/image/output-name.js';
import { CONTENT_SECURITY_POLICY } from '../../../electron/main/content-policy.js';
import type { AppService } from '../../../electron/service/app-service.js';
import { dispatch, serviceHandlers, userMessage } from '../../../electron/service/handlers.js';
import { isServiceChannel } from '../../../electron/shared/channels.js';

export interface HttpTransportOptions {
  readonly service: AppService;
  /** The built renderer (dist/renderer). */
  readonly staticDir: string;
  /** Where uploaded files are saved. */
  readonly uploadDir: string;
  readonly port?: number;
  /** Extra token-guarded POST routes (tests: /test/reset), given the JSON body. */
  readonly routes?: Readonly<Record<string, (body: unknown) => Promise<unknown>>>;
  /** Stands in for the native folder dialog (POST /dialog/choose-folder). */
  readonly chooseFolder?: () => Promise<string | null>;
}

export interface HttpTransport {
  readonly url: string;
  readonly token: string;
  close(): Promise<void>;
}

const MIME: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.map': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
};
const MAX_JSON = 1 << 20;
const MAX_UPLOAD = 512 << 20;

function send(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store' });
  res.end(JSON.stringify(body));
}

async function readJson(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_JSON) throw new Error('request too large');
    chunks.push(chunk as Buffer);
  }
  const text = Buffer.concat(chunks).toString('utf8');
  return text === '' ? null : JSON.parse(text);
}

/** A relative upload name ("folder/sub/photo.jpg") made safe, segment by segment. */
function safeRelative(name: string): string {
  const segments = name
    .split(/[\\/]+/)
    .filter((s) => s !== '' && s !== '.' && s !== '..')
    .map(sanitizeFileName);
  if (segments.length === 0) throw new Error('the upload has no file name');
  return join(...segments);
}

export async function startHttpTransport(options: HttpTransportOptions): Promise<HttpTransport> {
  const { service } = options;
  const token = randomBytes(24).toString('hex');
  const handlers = serviceHandlers(service);
  const staticDir = resolve(options.staticDir);
  let uploads = 0;
  let host = '';

  const tokenOk = (given: string | null | undefined) => {
    if (!given || given.length !== token.length) return false;
    return timingSafeEqual(Buffer.from(given), Buffer.from(token));
  };

  async function serveStatic(pathname: string, res: ServerResponse): Promise<void> {
    const file = resolve(staticDir, `.${normalize(pathname === '/' ? '/index.html' : pathname)}`);
    const inside = relative(staticDir, file);
    if (inside.startsWith('..') || inside.startsWith(sep))
      return send(res, 404, { ok: false, error: 'not found' });
    try {
      const data = await readFile(file);
      res.writeHead(200, {
        'content-type': MIME[extname(file)] ?? 'application/octet-stream',
        'content-security-policy': CONTENT_SECURITY_POLICY,
        'x-content-type-options': 'nosniff',
        'cache-control': 'no-store',
      });
      res.end(data);
    } catch {
      send(res, 404, { ok: false, error: 'not found' });
    }
  }

  function events(res: ServerResponse): void {
    res.writeHead(200, {
      'content-type': 'text/event-stream',
      'cache-control': 'no-store',
      connection: 'keep-alive',
    });
    res.write(': connected\n\n');
    const unsubscribe = service.on((event) => res.write(`data: ${JSON.stringify(event)}\n\n`));
    const heartbeat = setInterval(() => res.write(': ping\n\n'), 15_000);
    res.on('close', () => {
      clearInterval(heartbeat);
      unsubscribe();
    });
  }

  async function upload(req: IncomingMessage, name: string, res: ServerResponse): Promise<void> {
    const length = Number(req.headers['content-length'] ?? 0);
    if (length > MAX_UPLOAD) return send(res, 413, { ok: false, error: 'the file is too large to upload' });
    const path = join(options.uploadDir, `upload-${++uploads}`, safeRelative(name));
    await mkdir(dirname(path), { recursive: true });
    await pipeline(req, createWriteStream(path));
    service.chosen.add(path);
    send(res, 200, { ok: true, value: { path } });
  }

  const server = createServer(async (req, res) => {
    try {
      if (req.headers.host !== host) return send(res, 421, { ok: false, error: 'wrong host' });
      const url = new URL(req.url ?? '/', `http://${host}`);
      const headerToken = req.headers['x-liif-token'];
      const given = typeof headerToken === 'string' ? headerToken : url.searchParams.get('token');
      const [, area, rest] = /^\/([^/]+)\/?(.*)$/.exec(url.pathname) ?? [];
      const guarded = ['api', 'events', 'image', 'upload', 'test', 'dialog'].includes(area ?? '');
      if (!guarded) {
        if (req.method !== 'GET') return send(res, 405, { ok: false, error: 'method not allowed' });
        return serveStatic(url.pathname, res);
      }
      if (!tokenOk(given)) return send(res, 403, { ok: false, error: 'refused: bad token' });
      if (area === 'events' && req.method === 'GET') return events(res);
      if (area === 'image' && req.method === 'GET') {
        const image = await service.images.open(decodeURIComponent(rest));
        if (!image) return send(res, 404, { ok: false, error: 'not found' });
        res.writeHead(200, {
          'content-type': image.mime,
          'cache-control': 'no-store',
          'x-content-type-options': 'nosniff',
        });
        return res.end(image.data);
      }
      if (req.method !== 'POST') return send(res, 405, { ok: false, error: 'method not allowed' });
      if (area === 'upload') return await upload(req, url.searchParams.get('name') ?? '', res);
      if (area === 'test') {
        const route = options.routes?.[rest];
        if (!route) return send(res, 404, { ok: false, error: 'no such route' });
        return send(res, 200, { ok: true, value: await route(await readJson(req)) });
      }
      if (area === 'dialog' && rest === 'choose-folder' && options.chooseFolder)
        return send(res, 200, { ok: true, value: await options.chooseFolder() });
      // Only the service channels exist here: native dialogs and the shell are Electron's.
      if (!isServiceChannel(rest)) return send(res, 404, { ok: false, error: `no channel "${rest}"` });
      const value = await dispatch(handlers, rest, await readJson(req));
      return send(res, 200, { ok: true, value });
    } catch (error) {
      if (!res.headersSent) send(res, 200, { ok: false, error: userMessage(error) });
      else res.end();
    }
  });

  await new Promise<void>((done) => server.listen(options.port ?? 0, '127.0.0.1', done));
  const { port } = server.address() as AddressInfo;
  host = `127.0.0.1:${port}`;
  return {
    url: `http://${host}`,
    token,
    close: () =>
      new Promise<void>((done) => {
        server.closeAllConnections();
        server.close(() => done());
      }),
  };
}
