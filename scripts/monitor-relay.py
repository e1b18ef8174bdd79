#!/usr/bin/env python3
# Relays commands from the guest to QEMU's human monitor: follows the console
# log LOG and, for every line "VCRS-MONITOR <command>", sends <command> to the
# monitor socket SOCK (how the guest tests unplug and re-plug QEMU's device
# with device_del / device_add). Runs until QEMU closes the socket or the log
# stops growing after QEMU exited.
# Usage: monitor-relay.py LOG SOCK
import os
import socket
import sys
import time

log, sock_path = sys.argv[1], sys.argv[2]


def connect():
    for _ in range(600):
        try:
            s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            s.connect(sock_path)
            s.settimeout(2)
            return s
        except OSError:
            time.sleep(0.1)
    sys.exit("monitor-relay: no monitor socket at " + sock_path)


def drain(s):
    out = b""
    try:
        while True:
            chunk = s.recv(65536)
            if not chunk:
                break
            out += chunk
            if out.endswith(b"(qemu) "):
                break
    except socket.timeout:
        pass
    return out


mon = connect()
drain(mon)
while not os.path.exists(log):
    time.sleep(0.1)
with open(log, "r", errors="replace") as f:
    buf = ""
    while True:
        line = f.readline()
        if not line:
            time.sleep(0.1)
            try:
                # QEMU gone: the socket is closed.
                mon.send(b"")
            except OSError:
                break
            continue
        if not line.endswith("\n"):
            buf += line
            continue
        line, buf = buf + line, ""
        if line.startswith("VCRS-MONITOR "):
            cmd = line[len("VCRS-MONITOR "):].strip()
            try:
                mon.sendall(cmd.encode() + b"\n")
                reply = drain(mon).decode(errors="replace")
            except OSError:
                break
            # The monitor echoes the command keystroke by keystroke; report
            # only whether it answered with an error.
            err = [l for l in reply.replace("\r", "\n").split("\n") if "rror" in l]
            print("monitor-relay: %s: %s" % (cmd, err[-1].strip() if err else "done"),
                  file=sys.stderr)
