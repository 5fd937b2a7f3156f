import type { MiddlewareHandler } from 'hono';
import { ApiError, errorResponse } from './api-error.js';

/** Methods a browser lets any page send without asking, and which must therefore change nothing. */
const SAFE_METHODS = new Set(['GET', 'HEAD']);
/** Fetch metadata of a request the page made to its own server, or the user made by typing or a bookmark. */
const OWN_SITE = new Set(['same-origin', 'none']);

/**
 * Why a request may not change state here, or undefined when it may. Any page the user visits can make the
 * browser POST to 127.0.0.1 (a text/plain form or a no-cors fetch needs no CORS preflight), so every method but
 * GET/HEAD needs proof that it came from this server's own page: a browser sends `Origin` on such requests and
 * `Sec-Fetch-Site` too, and a page cannot forge either. Another port on the same host is same-site but not
 * same-origin, and is refused. A request with neither header is not from a browser (curl, a script): no page
 * can make one, so it is not a cross-site request.
 */
export function crossOriginReason(method: string, url: string, origin: string | undefined, fetchSite: string | undefined): string | undefined {
  if (SAFE_METHODS.has(method)) return undefined;
  if (fetchSite !== undefined && !OWN_SITE.has(fetchSite)) return `a ${fetchSite} request`;
  // The host name was checked to be loopback before this, so the request's own origin is this server's.
  if (origin !== undefined && origin !== new URL(url).origin) return `a request from ${origin}`;
  return undefined;
}

/** Refuses state changes that another site's page made the browser send (403 FORBIDDEN). */
export function sameOriginOnly(): MiddlewareHandler {
  return async (c, next) => {
    const reason = crossOriginReason(c.req.method, c.req.url, c.req.header('origin'), c.req.header('sec-fetch-site'));
    if (reason !== undefined) {
      return errorResponse(c, new ApiError(403, 'FORBIDDEN', `This server changes state only for its own page (same origin); ${reason} was refused.`));
    }
    await next();
  };
}
