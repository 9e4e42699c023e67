import { createHash } from 'node:crypto';
import type { RequestHandler } from 'express';
import helmet from 'helmet';

/**
 * Security headers on every response (helmet): nosniff, no framing (CSP frame-ancestors and
 * X-Frame-Options), no referrer, same-origin resource and opener policies, HSTS for deployments
 * behind TLS. The default CSP fits an API: nothing may load or run (`default-src 'none'`). Pages
 * that are meant for a browser get their own policy: GraphiQL's below; Agendash sets its own strict
 * one (`script-src 'self'`), which keeps the frame headers set here.
 */
export function securityHeaders(): RequestHandler {
  return helmet({
    contentSecurityPolicy: { useDefaults: false, directives: { defaultSrc: ["'none'"], frameAncestors: ["'none'"], baseUri: ["'none'"], formAction: ["'none'"] } },
    frameguard: { action: 'deny' },
    referrerPolicy: { policy: 'no-referrer' },
  });
}

const sha256 = (text: string) => `'sha256-${createHash('sha256').update(text, 'utf8').digest('base64')}'`;

/**
 * The CSP of a page served from our own origin whose inline `<script>` blocks are allowed by hash
 * (so no 'unsafe-inline' for scripts) — GraphiQL's bootstrap. Styles allow 'unsafe-inline' because
 * React and CodeMirror set style attributes, which hashes cannot allow.
 */
export function pageCsp(html: string): string {
  const inlineScripts = [...html.matchAll(/<script(?![^>]*\bsrc=)[^>]*>([\s\S]*?)<\/script>/g)].map((m) => sha256(m[1]!));
  return [
    "default-src 'self'",
    `script-src 'self' ${inlineScripts.join(' ')}`.trim(),
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data:",
    "font-src 'self' data:",
    "connect-src 'self'",
    "worker-src 'self' blob:",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
  ].join('; ');
}
