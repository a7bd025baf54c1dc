export * from './lib/event.types';
export * from './lib/event.dto';
export * from './lib/event-codec';
export * from './lib/json-shape';
export * from './lib/event-fast-check';
export * from './lib/event-columns';
export * from './lib/event.fixtures';
export * from './lib/iso-time';
