import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { isIP, type LookupFunction } from 'node:net';
import { DlError, errorMessage, isDlError } from '../errors.js';
import { nonPublicAddress } from './private-address.js';
import { allowedHostsFromEnv, hostAllowed, redirectTarget } from './url-hosts.js';

export interface UrlPolicy {
  /** Also reach hosts that resolve to loopback, private or link-local addresses. */
  allowPrivateHosts?: boolean;
}

/** The addresses `hostname` resolves to now (all of them: one private answer among public ones is enough to refuse). */
function resolveAll(hostname: string): Promise<LookupAddress[]> {
  return new Promise((resolve, reject) => dnsLookup(hostname, { all: true, verbatim: true }, (error, addresses) => (error ? reject(error) : resolve(addresses))));
}

/** `promise`, or a rejection as soon as `signal` fires (a DNS lookup takes no signal of its own). */
function untilAborted<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(signal.reason);
    const onAbort = () => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}

/**
 * Where one hop of a URL input may connect: the addresses its host has now, each checked. A host on
 * DL_ALLOW_HOSTS was listed on purpose (an operator's internal mirror) and may be private; otherwise a loopback,
 * private or link-local address is refused unless `allowPrivateHosts`. `undefined` means the host is an IP
 * literal (checked here; the socket connects to it without a lookup).
 */
export async function checkedAddresses(url: URL, policy: UrlPolicy, hosts: ReadonlySet<string> | undefined, signal: AbortSignal): Promise<LookupAddress[] | undefined> {
  const hostname = url.hostname.replace(/^\[(.*)\]$/, '$1');
  const listed = hosts !== undefined && hostAllowed(url, hosts);
  const literal = isIP(hostname) !== 0;
  let addresses: LookupAddress[];
  try {
    addresses = literal ? [{ address: hostname, family: isIP(hostname) }] : await untilAborted(resolveAll(hostname), signal);
  } catch (error) {
    if (signal.aborted) throw error;
    const code = (error as NodeJS.ErrnoException).code ?? errorMessage(error);
    throw new DlError('INPUT_UNREADABLE', `${url.href}: the host ${hostname} cannot be resolved (${code})`, { cause: error });
  }
  if (!listed && policy.allowPrivateHosts !== true) {
    for (const { address } of addresses) {
      const what = nonPublicAddress(address);
      if (what === undefined) continue;
      const shown = address === hostname ? `${hostname} is ${what}` : `${hostname} resolves to ${address}, ${what}`;
      throw new DlError('INPUT_UNSUPPORTED', `${url.href}: refused: ${shown}, and private hosts are not allowed`, {
        hint: { kind: 'use-option', option: 'allowPrivateHosts', value: true },
      });
    }
  }
  return literal ? undefined : addresses;
}

/**
 * A `lookup` for the socket that answers with the addresses already checked, never asking DNS again: the
 * connection goes where the check looked (no DNS-rebinding gap between the check and the connect), while the
 * request keeps the URL's host name for the Host header and for TLS (SNI and the certificate check). Chosen over
 * a fetch dispatcher because node's own http(s) take `lookup` per request with no extra dependency (undici is
 * not one of ours), and over connecting to the IP by hand because TLS then needs its servername set apart.
 */
function pinnedLookup(addresses: LookupAddress[]): LookupFunction {
  return (_hostname, options, callback) => {
    // net asks for all addresses when it races IPv4 against IPv6 (autoSelectFamily), else for one.
    if (options.all) callback(null, addresses);
    else callback(null, addresses[0]!.address, addresses[0]!.family);
  };
}

/** One GET, no redirect followed, connected only to `addresses` (or to the IP literal in the URL). */
function get(url: URL, addresses: LookupAddress[] | undefined, signal: AbortSignal): Promise<IncomingMessage> {
  const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
  return new Promise((resolve, reject) => {
    const request = send(url, {
      method: 'GET',
      signal,
      // No Accept-Encoding: the body comes as it is (what fetch would decompress, node's http would not).
      headers: { accept: '*/*', 'user-agent': 'dlkit' },
      // A fresh connection per input: a pooled socket could outlive the check that chose its address.
      agent: false,
      ...(addresses ? { lookup: pinnedLookup(addresses) } : {}),
    });
    request.once('response', resolve);
    request.once('error', reject);
    request.end();
  });
}

/**
 * A GET that follows redirects by hand, so each hop is checked before anything is sent to it: count and scheme
 * (`redirectTarget`), DL_ALLOW_HOSTS, and the addresses the host resolves to (`checkedAddresses`).
 */
export async function fetchFollowing(url: string, policy: UrlPolicy, signal: AbortSignal): Promise<IncomingMessage> {
  const hosts = allowedHostsFromEnv();
  let current = new URL(url);
  if (hosts !== undefined && !hostAllowed(current, hosts)) {
    throw new DlError('INVALID_ARGUMENT', `${url}: host ${current.host} is not an allowed host (DL_ALLOW_HOSTS)`);
  }
  for (let hop = 0; ; hop++) {
    const response = await get(current, await checkedAddresses(current, policy, hosts, signal), signal);
    const status = response.statusCode ?? 0;
    if (status < 300 || status > 399 || status === 304) return response;
    response.destroy();
    current = new URL(redirectTarget(current.href, response.headers.location ?? null, hop, hosts));
  }
}

export interface UrlReadOptions extends UrlPolicy {
  maxBytes: number;
  timeoutMs: number;
}

/** The body of an http(s) URL in chunks: every hop checked, headers and body within `timeoutMs`, at most `maxBytes`. */
export async function* urlChunks(url: string, options: UrlReadOptions): AsyncGenerator<Uint8Array> {
  const { maxBytes, timeoutMs } = options;
  const signal = AbortSignal.timeout(timeoutMs);
  let response: IncomingMessage | undefined;
  try {
    response = await fetchFollowing(url, options, signal);
    const status = response.statusCode ?? 0;
    if (status < 200 || status > 299) throw new DlError('INPUT_NOT_FOUND', `${url}: HTTP ${status} ${response.statusMessage ?? ''}`.trimEnd());
    const declared = Number(response.headers['content-length'] ?? Number.NaN);
    if (declared > maxBytes) throw new DlError('INPUT_TOO_LARGE', `${url}: ${declared} bytes is over the ${maxBytes}-byte limit`);
    yield* response as AsyncIterable<Buffer>;
  } catch (error) {
    if (isDlError(error)) throw error;
    if (signal.aborted) throw new DlError('INPUT_UNREADABLE', `${url}: no complete answer within ${timeoutMs / 1000} s`, { cause: error });
    throw new DlError('INPUT_UNREADABLE', `${url}: ${errorMessage(error)}`, { cause: error });
  } finally {
    // A reader that stopped early (over the cap, a decoder that had enough) closes the connection.
    response?.destroy();
  }
}
