import { describe, expect, it } from 'vitest';
import { nonPublicAddress } from './private-address.js';

describe('which addresses a URL input may not reach', () => {
  it('names loopback, private, link-local, unspecified and the IPv6 forms that carry them', () => {
    const refused: Record<string, string> = {
      '10.0.0.1': 'a private address',
      '10.255.255.255': 'a private address',
      '172.16.0.1': 'a private address',
      '172.31.255.254': 'a private address',
      '192.168.1.1': 'a private address',
      '127.0.0.1': 'a loopback address',
      '127.0.0.2': 'a loopback address',
      '169.254.169.254': 'a link-local address',
      '0.0.0.0': 'an unspecified ("this network") address',
      '100.100.100.200': 'a shared (carrier-grade NAT) address',
      '224.0.0.1': 'a multicast address',
      '255.255.255.255': 'a reserved or broadcast address',
      '::1': 'a loopback address',
      '[::1]': 'a loopback address',
      '::': 'an unspecified address',
      'fc00::': 'a private (unique local) address',
      'fd12:3456:789a::1': 'a private (unique local) address',
      'fe80::1': 'a link-local address',
      'fe80::1%eth0': 'a link-local address',
      'febf::1': 'a link-local address',
      '::ffff:10.0.0.1': 'a private address',
      '::ffff:127.0.0.1': 'a loopback address',
      '::ffff:7f00:1': 'a loopback address',
      '::ffff:169.254.169.254': 'a link-local address',
      '::ffff:0.0.0.0': 'an unspecified ("this network") address',
      '::127.0.0.1': 'a loopback address',
      '64:ff9b::a00:1': 'a private address',
      '2002:c0a8:101::1': 'a private address',
      'ff02::1': 'a multicast address',
    };
    for (const [address, what] of Object.entries(refused)) expect(nonPublicAddress(address), address).toBe(what);
  });

  it('lets public addresses through, also at the edges of the private ranges', () => {
    for (const address of ['93.184.216.34', '8.8.8.8', '1.1.1.1', '172.15.255.255', '172.32.0.1', '192.167.1.1', '11.0.0.1', '169.253.0.1', '100.63.255.255', '2606:4700::1', '2001:4860:4860::8888', '::ffff:93.184.216.34', '2002:5db8:d822::1']) {
      expect(nonPublicAddress(address), address).toBeUndefined();
    }
  });
});
