import { Logger } from '@nestjs/common';
import { readConfig } from './config.js';
import { createApp } from './create-app.js';
import { curlLine } from './seed.js';

const config = readConfig();
const { app, demo } = await createApp(config);
await app.listen(config.port, '127.0.0.1');

const base = `http://localhost:${config.port}`;
const logger = new Logger('Example');
logger.log(`Listening on ${base} (${config.httpAdapter})`);
if (demo) {
  process.stdout.write(
    `\nDemo user ${demo.username} / ${demo.password} and a demo client were created.\n` +
      `Get a token with:\n\n${curlLine(base, demo)}\n\n` +
      `Then call: curl -s ${base}/me -H 'Authorization: Bearer <access_token>'\n\n`,
  );
} else {
  logger.log(
    'The demo client already exists; create another with: npm run passport -- client --password',
  );
}
