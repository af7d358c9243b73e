/** A TCP echo server (node:net) for data-plane tests: it remembers its connections. */
import { createServer, type AddressInfo, type Server, type Socket } from 'node:net';

export class EchoServer {
  readonly sockets = new Set<Socket>();
  accepted = 0;
  private constructor(
    readonly server: Server,
    readonly port: number,
  ) {}

  static async start(): Promise<EchoServer> {
    const server = createServer({ allowHalfOpen: true });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const echo = new EchoServer(server, (server.address() as AddressInfo).port);
    server.on('connection', (socket) => {
      echo.accepted++;
      echo.sockets.add(socket);
      socket.on('error', () => {});
      socket.on('close', () => echo.sockets.delete(socket));
      socket.pipe(socket);
    });
    return echo;
  }

  async close(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}
