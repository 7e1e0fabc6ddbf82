#!/usr/bin/env python3
# Drives an emulator's serial line over a TCP socket with pexpect: connects
# (retrying while the emulator starts), copies every byte it receives to a
# log file, and plays a script of steps in order:
#   wait: REGEX     wait for REGEX in the output (Python re, bytes)
#   send: TEXT      send TEXT; \r, \n, \t, \\ and \xNN are escapes
# After the last step it waits for the emulator to close the line.
#
#   scripts/serial-drive.py HOST:PORT LOG SCRIPT TIMEOUT_S
#
# Exit: 0 when every step matched and the line closed; 1 when a wait timed
# out or the line closed first (the step is named on stderr); 2 when it
# could not connect.
import socket
import sys
import time

import pexpect
import pexpect.fdpexpect


def unescape(text):
    return text.encode("latin-1").decode("unicode_escape").encode("latin-1")


def main():
    hostport, log, script, tmo = sys.argv[1:5]
    host, port = hostport.rsplit(":", 1)
    deadline = time.monotonic() + float(tmo)
    steps = []
    with open(script, encoding="utf-8") as f:
        for n, line in enumerate(f, 1):
            line = line.rstrip("\n")
            key, sep, arg = line.partition(": ")
            if not sep or key not in ("wait", "send"):
                print(f"serial-drive: {script}:{n}: not 'wait: RE' or 'send: TEXT': {line!r}",
                      file=sys.stderr)
                return 2
            steps.append((key, arg))
    sock = None
    while time.monotonic() < deadline:
        try:
            sock = socket.create_connection((host, int(port)), timeout=5)
            break
        except OSError:
            time.sleep(0.2)
    if sock is None:
        print(f"serial-drive: could not connect to {hostport}", file=sys.stderr)
        return 2
    with open(log, "wb") as logf:
        child = pexpect.fdpexpect.fdspawn(sock.fileno())
        child.logfile_read = logf  # what the guest side sent, not our input
        for key, arg in steps:
            left = max(1.0, deadline - time.monotonic())
            if key == "send":
                child.send(unescape(arg))
                continue
            try:
                child.expect(arg.encode(), timeout=left)
            except pexpect.TIMEOUT:
                print(f"serial-drive: timed out waiting for {arg!r}", file=sys.stderr)
                return 1
            except pexpect.EOF:
                print(f"serial-drive: the line closed before {arg!r}", file=sys.stderr)
                return 1
        try:
            child.expect(pexpect.EOF, timeout=max(1.0, deadline - time.monotonic()))
        except pexpect.TIMEOUT:
            print("serial-drive: the line stayed open after the last step", file=sys.stderr)
            return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
