/** Transport protocols as the fast path compares them: numbers; 0 in a rule is "any" (anything else written in `-p` never equals a simulated packet's). */
export const TCP = 1, UDP = 2, SCTP = 3, OTHER_PROTOCOL = 99;

/** A protocol name as the fast path compares it. */
export function protocolCode(name: string): number {
  return name === "tcp" ? TCP : name === "udp" ? UDP : name === "sctp" ? SCTP : OTHER_PROTOCOL;
}
