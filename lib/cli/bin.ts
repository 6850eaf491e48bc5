#!/usr/bin/env node
/** The installed `kube-iptables-lab` command: runs main() on the process's arguments and sets the exit status. */
import { main, oneLineError } from "./main.js";

/** A reader that went away (`| head`) ends the command quietly with status 0, as `cat` and `git` do. */
function endQuietlyOnClosedPipe(stream: NodeJS.WriteStream): void {
  stream.on("error", (e: NodeJS.ErrnoException) => {
    if (e.code === "EPIPE") process.exit(0);
    lastResort(e);
  });
}

/** Whatever escaped main() becomes one line and exit status 1: a user never sees a stack trace. */
function lastResort(e: unknown): void {
  try {
    process.stderr.write(`kube-iptables-lab: ${oneLineError(e)}\n`);
  } finally {
    process.exit(1);
  }
}

endQuietlyOnClosedPipe(process.stdout);
endQuietlyOnClosedPipe(process.stderr);
process.on("uncaughtException", lastResort);
process.on("unhandledRejection", lastResort);

const status = main(process.argv.slice(2), {
  out: (s) => process.stdout.write(s + "\n"),
  err: (s) => process.stderr.write(s + "\n"),
  terminal: process.stdout.isTTY === true,
});
if (typeof status === "number") process.exitCode = status;
else status.then((s) => (process.exitCode = s), lastResort);
