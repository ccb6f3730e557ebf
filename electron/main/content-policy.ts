/**
 * The renderer's Content Security Policy: scripts and styles only from the app itself, images
 * only from the app and the liif-image: protocol, no plugins, no frames, no form posts.
 * (Svelte sets some inline style attributes, hence 'unsafe-inline' for styles only.)
 */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' liif-image: blob: data:",
  "connect-src 'self'",
  "font-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
  "object-src 'none'",
].join('; ');

export const APP_SCHEME = 'app';
export const APP_ORIGIN = 'app://renderer';
export const IMAGE_SCHEME = 'liif-image';
