/**
 * Each gateway's last known status as stored in InfluxDB (its retained status, or its last
 * will), stored at arrival (influx-schema.ts): the ward tiles' connectivity, and the alerts
 * engine's view of each home gateway after a restart.
 */
import { firstRow, type InfluxConnection, finiteNumber as num } from './influx-connection.ts';
import { tagIn } from './readings-storage.ts';

export interface StoredGatewayState {
  online: boolean;
  /** When the latest status arrived. */
  at: number;
  /** Readings waiting in its spool, as its latest status said (0 when none did). */
  spooled: number;
}

/** The latest status of each of these gateways received since `sinceMs`; a gateway without one is absent. */
export async function gatewayStates(
  influx: InfluxConnection,
  gatewayIds: readonly string[],
  sinceMs: number,
): Promise<Map<string, StoredGatewayState>> {
  const result = new Map<string, StoredGatewayState>();
  if (!gatewayIds.length) return result;
  const series = await influx.querySeries(
    `SELECT last(online) AS online FROM gateway_status WHERE ${tagIn('gateway', gatewayIds)} AND time >= ${sinceMs}ms GROUP BY gateway`,
  );
  const spools = await influx.querySeries(
    `SELECT last(spooled) AS spooled FROM gateway_status WHERE ${tagIn('gateway', gatewayIds)} AND time >= ${sinceMs}ms GROUP BY gateway`,
  );
  const spooledOf = new Map(
    spools.flatMap((s) => (s.tags?.gateway ? [[s.tags.gateway, num(firstRow(s)?.spooled) ?? 0]] : [])),
  );
  for (const s of series) {
    const row = firstRow(s);
    const gateway = s.tags?.gateway;
    if (!gateway || !row) continue;
    const online = row.online === true;
    // A last will carries no spool: only an online status says how far behind the gateway is.
    result.set(gateway, {
      online,
      at: num(row.time) ?? 0,
      spooled: online ? (spooledOf.get(gateway) ?? 0) : 0,
    });
  }
  return result;
}
