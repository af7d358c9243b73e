import { attr, defineEntity } from '../entity.js';

/** Log modules of skrouterd 3.5.1. One log entity per module always exists, named `log/<MODULE>`. */
export const LOG_MODULES = [
  'ROUTER',
  'ROUTER_CORE',
  'ROUTER_HELLO',
  'ROUTER_LS',
  'ROUTER_MA',
  'MESSAGE',
  'SERVER',
  'AGENT',
  'CONTAINER',
  'ERROR',
  'POLICY',
  'HTTP',
  'CONN_MGR',
  'PYTHON',
  'PROTOCOL',
  'TCP_ADAPTOR',
  'HTTP_ADAPTOR',
  'FLOW_LOG',
  'ADDRESS_WATCH',
  'HTTP1_OBSERVER',
  'HTTP2_OBSERVER',
  'HTTP2_DECODER',
  'DEFAULT',
] as const;

export const log = defineEntity({
  kind: 'log',
  description: 'Logging of one router module. Always present; only ever updated, never created or deleted.',
  operations: ['UPDATE', 'READ'],
  attributes: {
    module: attr.enum(LOG_MODULES, 'Module whose logging this entity controls.', { required: true }),
    enable: attr.string('Levels to log: a comma list of none|debug|info|warning|error|critical, "+" = and above.', {
      access: 'update',
    }),
    includeTimestamp: attr.boolean('Prefix each line with a timestamp.', { access: 'update' }),
    includeSource: attr.boolean('Add the source file and line to each line.', { access: 'update' }),
    outputFile: attr.string('Where lines go: stderr, stdout, syslog or a file path.', { access: 'update' }),
  },
});
