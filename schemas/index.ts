export * from './entity.js';
export * from './registry.js';
export * from './desired-state.js';
export { LOG_MODULES } from './entities/log.js';
export { ROLES } from './entities/amqp-endpoint.js';
