"""A TLS terminator for the end-to-end scripts, as a load balancer in front of iamd would be:
it accepts TLS on a free loopback port (written to PORT_FILE once it listens) with the
certificate and key given, and relays each connection's bytes, unread, to the loopback port
TARGET. The SDKs send S3 objects with trailing checksums (aws-chunked) only over TLS.

Usage: tls_relay.py CERT KEY PORT_FILE TARGET"""
import asyncio
import os
import ssl
import sys

cert, key, port_file, target = sys.argv[1:]


async def pipe(reader, writer):
    try:
        while data := await reader.read(1 << 16):
            writer.write(data)
            await writer.drain()
    except (ConnectionError, ssl.SSLError):
        pass
    finally:
        writer.close()


async def relay(client_reader, client_writer):
    upstream_reader, upstream_writer = await asyncio.open_connection("127.0.0.1", int(target))
    await asyncio.gather(pipe(client_reader, upstream_writer), pipe(upstream_reader, client_writer))


async def main():
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(cert, key)
    server = await asyncio.start_server(relay, "127.0.0.1", 0, ssl=context)
    with open(port_file + ".tmp", "w") as f:
        f.write(str(server.sockets[0].getsockname()[1]))
    os.rename(port_file + ".tmp", port_file)
    await server.serve_forever()


asyncio.run(main())
