#!/usr/bin/env node
/** The installed `kube-iptables-lab` command: runs main() on the process's arguments and sets the exit status. */
import { main, oneLineError } from "./main.js";

/** A reader of standard output that went away (`| head`) ends the command quietly with status 0, as `cat` and `git` do. */
function endQuietlyOnClosedPipe(stream: NodeJS.WriteStream): void {
  stream.on("error", (e: NodeJS.ErrnoException) => {
    if (e.code === "EPIPE") process.exit(0);
    lastResort(e);
  });
}

/**
 * A reader of standard error that went away (`2>&1 | head`) only silences the messages: the command runs on and
 * exits with its own status, so a script still learns that the input had errors.
 */
let stderrClosed = false;
process.stderr.on("error", (e: NodeJS.ErrnoException) => {
  if (e.code === "EPIPE" || e.code === "ERR_STREAM_DESTROYED") stderrClosed = true;
  else lastResort(e);
});

/** Whatever escaped main() becomes one line and exit status 1: a user never sees a stack trace. */
function lastResort(e: unknown): void {
  try {
    if (!stderrClosed) process.stderr.write(`kube-iptables-lab: ${oneLineError(e)}\n`);
  } finally {
    process.exit(1);
  }
}

endQuietlyOnClosedPipe(process.stdout);
process.on("uncaughtException", lastResort);
process.on("unhandledRejection", lastResort);

const status = main(process.argv.slice(2), {
  out: (s) => process.stdout.write(s + "\n"),
  err: (s) => {
    if (!stderrClosed) process.stderr.write(s + "\n");
  },
  terminal: process.stdout.isTTY === true,
});
if (typeof status === "number") process.exitCode = status;
else status.then((s) => (process.exitCode = s), lastResort);
