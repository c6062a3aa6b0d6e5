import { hostname } from 'node:os';
import { describe, expect, it } from 'vitest';
import { createHostGuard, isLoopbackHost } from '../../src/main/serve/host-guard';

describe('createHostGuard', () => {
  it('bound to loopback, answers loopback names with its port only', () => {
    const guard = createHostGuard('127.0.0.1', 8080);
    for (const host of ['127.0.0.1:8080', 'LOCALHOST:8080', '[::1]:8080']) expect(guard.allowsHost(host), host).toBe(true);
    for (const host of ['127.0.0.1:8081', 'localhost', 'evil.example:8080', '10.0.0.2:8080', undefined, 'a:b:c', '[::1]x:8080']) {
      expect(guard.allowsHost(host), String(host)).toBe(false);
    }
  });

  it('takes a missing port as 80, as browsers leave it out', () => {
    expect(createHostGuard('127.0.0.1', 80).allowsHost('localhost')).toBe(true);
  });

  it('bound to every interface, answers any address and the machine name, and listed names', () => {
    const guard = createHostGuard('0.0.0.0', 8080, ['gpu-box.example.org']);
    for (const host of ['192.168.1.20:8080', '[fe80::1]:8080', `${hostname()}:8080`, 'GPU-box.example.org:8080']) {
      expect(guard.allowsHost(host), host).toBe(true);
    }
    expect(guard.allowsHost('attacker.example:8080')).toBe(false);
    expect(guard.allowsHost('192.168.1.20:9090')).toBe(false);
  });

  it('bound to an IPv6 address, answers it in brackets', () => {
    expect(createHostGuard('::1', 8080).allowsHost('[::1]:8080')).toBe(true);
  });

  it('admits no Origin (a navigation, a program) or our own, and refuses any other', () => {
    const guard = createHostGuard('127.0.0.1', 8080);
    expect(guard.allowsOrigin(undefined, '127.0.0.1:8080')).toBe(true);
    expect(guard.allowsOrigin('http://127.0.0.1:8080', '127.0.0.1:8080')).toBe(true);
    expect(guard.allowsOrigin('http://localhost:8080', '127.0.0.1:8080')).toBe(false);
    expect(guard.allowsOrigin('http://127.0.0.1:3000', '127.0.0.1:8080')).toBe(false);
    expect(guard.allowsOrigin('null', '127.0.0.1:8080')).toBe(false);
    expect(guard.allowsOrigin('file:///tmp/x.html', '127.0.0.1:8080')).toBe(false);
  });
});

describe('isLoopbackHost', () => {
  it('knows the loopback names and addresses', () => {
    for (const host of ['127.0.0.1', '127.1.2.3', 'localhost', '::1', '[::1]']) expect(isLoopbackHost(host), host).toBe(true);
    for (const host of ['0.0.0.0', '::', '192.168.1.2', 'example.org']) expect(isLoopbackHost(host), host).toBe(false);
  });
});
