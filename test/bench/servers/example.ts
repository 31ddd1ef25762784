import { createApp, readConfig } from 'example-basic';
import { listenAndReport } from './bench-server.util.js';

/**
 * examples/basic as a user runs it, with the per-address throttle off
 * (all load comes from one address).
 */
const config = readConfig({
  ...process.env,
  THROTTLE_ENABLED: 'false',
  SEED_DEMO: 'true',
});
const { app, demo } = await createApp(config, { logger: false });
if (!demo) throw new Error('The demo client was not created.');
await listenAndReport(app, { demo });
