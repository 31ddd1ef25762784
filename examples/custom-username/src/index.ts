export {
  AppModule,
  databaseOptions,
  passwordGrantOptions,
} from './app.module.js';
export { Admin } from './admin.entity.js';
export { readConfig, type AppConfig } from './config.js';
export { createApp, type CreatedApp } from './create-app.js';
export { normalizeRun, runCheckDigit } from './run.util.js';
export {
  curlLine,
  DEMO_ADMIN_EMAIL,
  DEMO_ADMIN_PASSWORD,
  DEMO_RUN,
  DEMO_USER_PASSWORD,
  type DemoCredentials,
  type DemoLogin,
} from './seed.js';
export { User } from './user.entity.js';
