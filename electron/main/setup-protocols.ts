/**
 * Two custom protocols: app:// serves the built renderer (with the CSP header), liif-image://
 * serves only images the service registered (chosen sources, thumbnails, outputs, previews), by
 * opaque id. There is no way to ask for an arbitrary file.
 */
import { relative, resolve, sep } from 'node:path';
import { pathToFileURL } from 'node:url';
import { net, protocol } from 'electron';
import type { AppService } from '../service/app-service.js';
import { RENDERER_DIR } from './app-paths.js';
import { APP_SCHEME, CONTENT_SECURITY_POLICY, IMAGE_SCHEME } from './content-policy.js';

/** Must run before the app is ready. */
export function registerSchemes(): void {
  protocol.registerSchemesAsPrivileged([
    { scheme: APP_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true } },
    { scheme: IMAGE_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true } },
  ]);
}

const notFound = () => new Response('not found', { status: 404 });

export function setupProtocols(service: AppService): void {
  protocol.handle(APP_SCHEME, async (request) => {
    const url = new URL(request.url);
    if (url.host !== 'renderer') return notFound();
    const path = decodeURIComponent(url.pathname === '/' ? '/index.html' : url.pathname);
    const file = resolve(RENDERER_DIR, `.${path}`);
    const inside = relative(RENDERER_DIR, file);
    if (inside.startsWith('..') || inside.startsWith(sep)) return notFound();
    // net.fetch rejects for a file that is not there; the page gets a 404, not a failed request.
    const response = await net.fetch(pathToFileURL(file).href).catch(() => undefined);
    if (!response) return notFound();
    const headers = new Headers(response.headers);
    headers.set('Content-Security-Policy', CONTENT_SECURITY_POLICY);
    headers.set('X-Content-Type-Options', 'nosniff');
    return new Response(response.body, { status: response.status, headers });
  });

  protocol.handle(IMAGE_SCHEME, async (request) => {
    const url = new URL(request.url);
    if (url.host !== 'image') return notFound();
    const image = await service.images.open(url.pathname.slice(1));
    if (!image) return notFound();
    return new Response(new Uint8Array(image.data), {
      headers: {
        'Content-Type': image.mime,
        'Cache-Control': 'no-store',
        'X-Content-Type-Options': 'nosniff',
      },
    });
  });
}
