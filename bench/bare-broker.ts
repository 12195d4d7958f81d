/**
 * A bare aedes broker for the broker ceiling: default in-memory persistence, no
 * authentication, no hooks, on a free loopback port. Its own process (started by
 * broker-ceiling.ts), so its CPU time is its own; it reports its port on the IPC channel and
 * ends when the channel closes.
 */
import { createServer } from 'node:net';
import { Aedes } from 'aedes';
import { BareBrokerReport } from './bare-broker-report.ts';

const aedes = await Aedes.createBroker({ id: 'bench-bare' });
const server = createServer((socket) => aedes.handle(socket));
server.listen(0, '127.0.0.1', () => {
  const address = server.address();
  if (typeof address === 'object' && address) {
    process.send?.(BareBrokerReport.parse({ type: 'listening', port: address.port }));
  }
});
process.on('disconnect', () => {
  server.close();
  aedes.close(() => process.exit(0));
});
