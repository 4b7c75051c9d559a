/** Host and URL checks shared by the scanners that record endpoints and the rules that judge them. */

const LOOPBACK = /^(?:localhost|127\.\d+\.\d+\.\d+|0\.0\.0\.0|\[::1\]|::1|host\.docker\.internal)$/i;
const PRIVATE = /^(?:10\.\d+\.\d+\.\d+|192\.168\.\d+\.\d+|172\.(?:1[6-9]|2\d|3[01])\.\d+\.\d+)$/;

export function isLoopbackHost(host: string): boolean {
  return LOOPBACK.test(host);
}

/** A host on this machine or network (or a compose service name): a self-hosted server. */
export function isSelfHostedHost(host: string): boolean {
  return LOOPBACK.test(host) || PRIVATE.test(host) || !host.includes('.');
}

/** Plain http to a host other than this machine: traffic (and keys) travel unencrypted. Never throws. */
export function isPlainHttpToRemote(url: string): boolean {
  try {
    const u = new URL(url);
    return u.protocol === 'http:' && !isLoopbackHost(u.hostname);
  } catch {
    return false;
  }
}
