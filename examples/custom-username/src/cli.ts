import { NestFactory } from '@nestjs/core';
import { runPasswordGrantCli } from 'nestjs-password-grant';
import { AppModule } from './app.module.js';
import { readConfig } from './config.js';
import { prepare } from './create-app.js';

const config = readConfig();
process.exitCode = await runPasswordGrantCli({
  keysDir: config.keysDir,
  appName: 'RUN Example',
  createContext: async () => {
    await prepare(config);
    return NestFactory.createApplicationContext(AppModule.forRoot(config), {
      logger: ['error'],
    });
  },
});
