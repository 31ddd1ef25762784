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
    `\nDemo user (RUN) ${demo.users.username} / ${demo.users.password}, ` +
      `demo admin ${demo.admins.username} / ${demo.admins.password}, ` +
      `and a password client for each were created (secrets shown once).\n\n` +
      `A user's token (the RUN may also be written 12345678-5 or 123456785):\n\n` +
      `${curlLine(base, demo.users)}\n\n` +
      `An admin's token:\n\n${curlLine(base, demo.admins)}\n\n` +
      `Then call: curl -s ${base}/me -H 'Authorization: Bearer <user token>'\n` +
      `      and: curl -s ${base}/admin/me -H 'Authorization: Bearer <admin token>'\n\n`,
  );
} else {
  logger.log(
    'The demo clients already exist; create another with: npm run passport:custom-username -- client --password --provider admins',
  );
}
