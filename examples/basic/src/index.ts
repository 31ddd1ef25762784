export { AppModule, databaseOptions } from './app.module.js';
export { readConfig, type AppConfig } from './config.js';
export { createApp, type CreatedApp } from './create-app.js';
export {
  curlLine,
  DEMO_PASSWORD,
  DEMO_USERNAME,
  type DemoCredentials,
} from './seed.js';
export { User } from './user.entity.js';
export {
  boundedPostgresDriver,
  POSTGRES_POOL_LIMITS,
  postgresPoolOptions,
} from './postgres-pool.js';
