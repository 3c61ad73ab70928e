"""A TCP relay: ``python -m tests.support.tcp_relay LISTEN=TARGET [LISTEN=TARGET …]``.

Each ``host:port=host:port`` pair accepts connections on the first address and pipes them
to the second.  The app hosts of ``tests/support/hosts.py`` live in network namespaces and
reach PostgreSQL and Redis — which listen on 127.0.0.1 of the root namespace only — through
this relay bound to the bridge's address (no change to the services' configuration, no
iptables).  Prints ``ready`` once every address is bound; stops on SIGTERM.
"""

from __future__ import annotations

import asyncio
import signal
import sys


async def _pipe(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    try:
        while data := await reader.read(65536):
            writer.write(data)
            await writer.drain()
    except (ConnectionError, OSError):
        pass
    finally:
        try:
            writer.close()
        except Exception:  # noqa: BLE001 - already gone
            pass


def _handler(target_host: str, target_port: int):
    async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            t_reader, t_writer = await asyncio.open_connection(target_host, target_port)
        except OSError:
            writer.close()
            return
        await asyncio.gather(_pipe(reader, t_writer), _pipe(t_reader, writer))

    return handle


def _split(address: str) -> tuple[str, int]:
    host, _, port = address.rpartition(":")
    return host, int(port)


async def main(pairs: list[str]) -> None:
    servers = []
    for pair in pairs:
        listen, _, target = pair.partition("=")
        lhost, lport = _split(listen)
        thost, tport = _split(target)
        servers.append(
            await asyncio.start_server(_handler(thost, tport), lhost, lport, reuse_address=True)
        )
    print("ready", flush=True)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    await stop.wait()
    for server in servers:
        server.close()


if __name__ == "__main__":
    asyncio.run(main(sys.argv[1:]))
