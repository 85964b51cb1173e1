#!/usr/bin/env python3
"""A real SMTP server (aiosmtpd) for the hub's tests, on 127.0.0.1 and a free port.

Prints `port N` once it listens, then one JSON line per message it accepts:
{"from": ..., "to": [...], "data": "<the message as sent>"}. Stops when stdin closes,
so it never outlives the test that started it.
"""

import asyncio
import json
import sys

from aiosmtpd.smtp import SMTP


class Print:
    async def handle_DATA(self, server, session, envelope):
        print(
            json.dumps(
                {
                    "from": envelope.mail_from,
                    "to": envelope.rcpt_tos,
                    "data": envelope.content.decode("utf-8", "replace"),
                }
            ),
            flush=True,
        )
        return "250 OK"


async def main():
    loop = asyncio.get_running_loop()
    server = await loop.create_server(
        lambda: SMTP(Print(), hostname="peer.test"), "127.0.0.1", 0
    )
    print(f"port {server.sockets[0].getsockname()[1]}", flush=True)
    # Wait for stdin to close (the test ended), without blocking the loop.
    await loop.run_in_executor(None, sys.stdin.read)
    server.close()


asyncio.run(main())
