import fs from 'node:fs';
import type { ConnectionOptions } from '@temporalio/client';

// Kept apart from stack/temporal.ts (which starts servers) so a command that only connects
// loads neither the Temporal client nor the server tooling until it needs them.

export interface TemporalEndpoint {
  address: string;
  namespace: string;
  connectionOptions: ConnectionOptions;
  /** Web UI, when this process started the dev server or TEMPORAL_UI_URL says where it is. */
  uiUrl: string | null;
  /** True when dudao started the server and `stop` ends it. */
  owned: boolean;
  /** The dev server's process, when this process started it (the chaos suite kills it). */
  pid?: number;
  stop(): Promise<void>;
}

/** Connection settings from the environment (TEMPORAL_ADDRESS, TEMPORAL_NAMESPACE, TLS and API key). */
export function externalEndpointFromEnv(env = process.env): Omit<TemporalEndpoint, 'stop' | 'owned'> | null {
  const address = env.TEMPORAL_ADDRESS;
  if (!address) return null;
  const tlsCert = env.TEMPORAL_TLS_CERT;
  const tlsKey = env.TEMPORAL_TLS_KEY;
  const tlsCa = env.TEMPORAL_TLS_CA;
  const apiKey = env.TEMPORAL_API_KEY;
  const useTls = Boolean(tlsCert || tlsCa || apiKey || env.TEMPORAL_TLS === 'true');
  const tls: ConnectionOptions['tls'] = useTls
    ? {
        ...(env.TEMPORAL_TLS_SERVER_NAME ? { serverNameOverride: env.TEMPORAL_TLS_SERVER_NAME } : {}),
        ...(tlsCa ? { serverRootCACertificate: fs.readFileSync(tlsCa) } : {}),
        ...(tlsCert && tlsKey
          ? { clientCertPair: { crt: fs.readFileSync(tlsCert), key: fs.readFileSync(tlsKey) } }
          : {}),
      }
    : undefined;
  return {
    address,
    namespace: env.TEMPORAL_NAMESPACE ?? 'default',
    connectionOptions: { address, ...(tls ? { tls } : {}), ...(apiKey ? { apiKey } : {}) },
    uiUrl: env.TEMPORAL_UI_URL ?? null,
  };
}
