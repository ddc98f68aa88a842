export {
  ConfigError,
  DEFAULT_CONFIG_FILE,
  type FerryConfig,
  type LoadConfigOptions,
  loadConfig,
} from './load-config.js';
export { logConfigFromBrokerConfig } from './log-settings.js';
export { CONFIG_KEYS, type ConfigKey, envVarFor } from './schema.js';
