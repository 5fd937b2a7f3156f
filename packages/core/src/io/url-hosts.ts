import { DlError } from '../errors.js';

/** Redirects followed for one URL input: enough for http -> https -> CDN, never a loop. */
export const MAX_REDIRECTS = 5;

/**
 * One allowed host, `host` (any port) or `host:port`, written as the URL parser writes it (case, IDN and IP
 * forms folded), so `EXAMPLE.com`, `example.com.` and `xn--...` compare as the URL they would be matched with.
 */
export function parseAllowedHost(entry: string, source = 'an allowed host'): string {
  let url: URL | undefined;
  try {
    url = new URL(`http://${entry}`);
  } catch {
    url = undefined;
  }
  if (url === undefined || url.username !== '' || url.password !== '' || url.pathname !== '/' || url.search !== '' || url.hash !== '' || url.hostname === '') {
    throw new DlError('INVALID_ARGUMENT', `${source} must be HOST or HOST:PORT, got ${JSON.stringify(entry)}`);
  }
  // The URL parser drops a default port (80): keep the one given, so `host:80` means port 80 only.
  const port = /:(\d+)$/.exec(entry)?.[1];
  return port === undefined ? url.hostname : `${url.hostname}:${Number(port)}`;
}

/** Whether `url` is on the list: its host with any port, or its host and (default) port. */
export function hostAllowed(url: URL, hosts: ReadonlySet<string>): boolean {
  const port = url.port || (url.protocol === 'https:' ? '443' : '80');
  return hosts.has(url.hostname) || hosts.has(`${url.hostname}:${port}`);
}

/**
 * `DL_ALLOW_HOSTS=a.example,b.example:8080`: the hosts URL inputs (and every redirect they take) may come from,
 * for a process that reads URLs someone else chose (a queue worker, a server). Unset: any host.
 */
export function allowedHostsFromEnv(env: NodeJS.ProcessEnv = process.env): ReadonlySet<string> | undefined {
  const list = env.DL_ALLOW_HOSTS;
  if (list === undefined) return undefined;
  return new Set(list.split(',').map((h) => h.trim()).filter(Boolean).map((h) => parseAllowedHost(h, 'DL_ALLOW_HOSTS')));
}

/**
 * The next URL of a redirect, checked: http(s) only, within MAX_REDIRECTS hops, and on the allow-list when there
 * is one (an allowed host must not be able to send us anywhere else).
 */
export function redirectTarget(from: string, location: string | null, hop: number, hosts: ReadonlySet<string> | undefined): string {
  if (location === null) throw new DlError('INPUT_UNREADABLE', `${from}: a redirect without a Location header`);
  if (hop >= MAX_REDIRECTS) throw new DlError('INPUT_UNREADABLE', `${from}: more than ${MAX_REDIRECTS} redirects`);
  let next: URL;
  try {
    next = new URL(location, from);
  } catch {
    throw new DlError('INPUT_UNREADABLE', `${from}: redirects to an invalid URL`);
  }
  if (next.protocol !== 'http:' && next.protocol !== 'https:') throw new DlError('INPUT_UNREADABLE', `${from}: redirects to ${next.protocol} URL, not http(s)`);
  if (hosts !== undefined && !hostAllowed(next, hosts)) {
    throw new DlError('INVALID_ARGUMENT', `${from}: redirects to host ${next.host}, which is not an allowed host (DL_ALLOW_HOSTS)`);
  }
  return next.href;
}
