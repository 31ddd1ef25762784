import { NestFactory } from '@nestjs/core';
import { runPasswordGrantCli } from 'nestjs-password-grant';
import { AppModule } from './app.module.js';
import { readConfig } from './config.js';
import { prepare } from './create-app.js';

// The CLI of SPEC §8, run with the app's own settings (DATABASE_URL,
// PASSWORD_GRANT_KEYS_DIR): `npm run passport:custom-username -- <command>`.
const config = readConfig();
process.exitCode = await runPasswordGrantCli({
  keysDir: config.keysDir,
  appName: 'RUN Example',
  createContext: async () => {
    await prepare(config);
    // Failures reach the CLI as errors: it prints one line and exits 1.
    return NestFactory.createApplicationContext(AppModule.forRoot(config), {
      logger: false,
      abortOnError: false,
    });
  },
});
