/**
 * kube-proxy's chain names: a prefix and the first 16 characters of the
 * base32 encoding of a SHA-256 digest of the service port name, protocol
 * and (for endpoints) the endpoint address.
 */
import { sha256 } from "../math/sha256.js";

const BASE32 = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

function base32(bytes: Uint8Array): string {
  let out = "", bits = 0, value = 0;
  for (const b of bytes) {
    value = (value << 8) | b;
    bits += 8;
    while (bits >= 5) {
      out += BASE32[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
    value &= (1 << bits) - 1;
  }
  if (bits > 0) out += BASE32[(value << (5 - bits)) & 31];
  return out;
}

/** The 16-character hash kube-proxy puts after its chain prefixes. */
export function kubeProxyHash(text: string): string {
  return base32(sha256(text)).slice(0, 16);
}

/** `KUBE-SVC-...` for a service port (`default/wordpress-01-svc:` + `tcp`); other prefixes: KUBE-EXT-, KUBE-SVL-, KUBE-FW-. */
export function serviceChainName(servicePortName: string, protocol: string, prefix = "KUBE-SVC-"): string {
  return prefix + kubeProxyHash(servicePortName + protocol.toLowerCase());
}

/** `KUBE-SEP-...` for one endpoint (`10.253.25.4:80`) of a service port. */
export function endpointChainName(servicePortName: string, protocol: string, endpoint: string): string {
  return "KUBE-SEP-" + kubeProxyHash(servicePortName + protocol.toLowerCase() + endpoint);
}
