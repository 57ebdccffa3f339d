"""Ports on this machine: for the servers the tests start, and addresses where nothing answers."""

import socket

import pytest

# The range this project's servers may use, highest first.
PORTS = range(8249, 8199, -1)


def is_listening(port, host="127.0.0.1"):
    with socket.socket() as probe:
        return probe.connect_ex((host, port)) == 0


def free_port():
    """A port in 8200–8249 that nothing listens on."""
    for port in PORTS:
        if not is_listening(port):
            return port
    pytest.fail("No free port in 8200–8249")
