import type { IncomingMessage } from "node:http";
import proxyAddr from "proxy-addr";

/**
 * The client's address for a request: the socket's peer, or, when that peer is a trusted proxy,
 * the nearest address in X-Forwarded-For that is not one (proxy-addr walks the chain from the
 * right). A header sent by anyone else is ignored, so it cannot make one client look like many.
 */
export function clientAddressResolver(trustedProxies: string[]): (req: IncomingMessage) => string {
  const trust = proxyAddr.compile(trustedProxies);
  // A closed socket has no peer address; proxy-addr would answer undefined.
  return (req) => (req.socket.remoteAddress ? proxyAddr(req, trust) : "unknown");
}
