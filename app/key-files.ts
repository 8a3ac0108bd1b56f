import path from 'node:path';

/*
 * Where key files live, apart from what reads and writes them (app/keys.ts): every command of the
 * CLI names its operator key, and most never sign, so naming it must not load the signing code
 * (and through it the workflows' message definitions and Temporal's workflow package).
 */

/** Where key files live: `<dataDir>/keys/`, each file readable by its owner only. */
export const keysDirOf = (dataDir: string): string => path.join(dataDir, 'keys');
/** The web API's key (and the demo's): signs for whoever signed in. */
export const serviceKeyFile = (dataDir: string): string => path.join(keysDirOf(dataDir), 'service.json');
/** The default operator key of the CLI on this machine. */
export const operatorKeyFile = (dataDir: string): string => path.join(keysDirOf(dataDir), 'operator.json');
