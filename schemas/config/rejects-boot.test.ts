// Values that make skrouterd 3.5.1 exit at boot: the router's own integer limits, NUL characters,
// and vhost policies its policy compiler refuses. Each rule has its accepted and refused edges.
import { describe } from 'vitest';
import { acceptAll, interior, rejectAll, type Acceptance, type Rejection } from './test-support/reject-table.js';

type Attributes = Record<string, unknown>;
const listener = (extra: Attributes) => interior(['listener', { name: 'l', port: 5672, ...extra }]);
const connector = (extra: Attributes) => interior(['connector', { name: 'c', host: 'h', port: 5672, ...extra }]);
const routerWith = (extra: Attributes) => JSON.stringify([['router', { id: 'r1', mode: 'interior', ...extra }]]);
const vhost = (extra: Attributes) => interior(['vhost', { name: 'v', hostname: 'h', ...extra }]);
const group = (settings: unknown, more: Attributes = {}) => vhost({ groups: { g: settings, ...more } });
const AT = '$[1][1]';

export const BOOT_REJECTIONS: readonly Rejection[] = [
  // listener and connector (server_config.c)
  { name: 'cost 0', text: listener({ cost: 0 }), path: `${AT}.cost`, message: '"cost" must be 1…2147483647; skrouterd 3.5.1 refuses to boot with 0' },
  { name: 'cost -1 on a connector', text: connector({ cost: -1 }), path: `${AT}.cost`, message: 'refuses to boot with -1' },
  { name: 'cost past INT32_MAX', text: listener({ cost: 2147483648 }), path: `${AT}.cost`, message: 'refuses to boot with 2147483648' },
  { name: 'maxFrameSize 511', text: listener({ maxFrameSize: 511 }), path: `${AT}.maxFrameSize`, message: '"maxFrameSize" must be 0 (the default) or 512…2147483647; skrouterd 3.5.1 refuses to boot with 511' },
  { name: 'maxFrameSize 99999999999', text: connector({ maxFrameSize: 99999999999 }), path: `${AT}.maxFrameSize`, message: 'refuses to boot with 99999999999' },
  { name: 'maxFrameSize -1', text: listener({ maxFrameSize: '-1' }), path: `${AT}.maxFrameSize`, message: 'refuses to boot with -1' },
  { name: 'maxSessions 32769', text: listener({ maxSessions: 32769 }), path: `${AT}.maxSessions`, message: '"maxSessions" must be 0 (the default) or 1…32768' },
  { name: 'maxSessions -1', text: connector({ maxSessions: -1 }), path: `${AT}.maxSessions`, message: 'refuses to boot with -1' },
  { name: 'maxSessionFrames 1', text: listener({ maxSessionFrames: 1 }), path: `${AT}.maxSessionFrames`, message: '"maxSessionFrames" must be 0 (the default) or 2…2147483647' },
  { name: 'maxSessionFrames past INT32_MAX', text: connector({ maxSessionFrames: 2147483648 }), path: `${AT}.maxSessionFrames`, message: 'refuses to boot with 2147483648' },
  { name: 'failoverUrls empty', text: listener({ failoverUrls: '' }), path: `${AT}.failoverUrls`, message: 'failover URL "" has no host; skrouterd 3.5.1 refuses to boot with it' },
  { name: 'failoverUrls with an empty middle item', text: listener({ failoverUrls: 'amqp://a:1, ,b' }), path: `${AT}.failoverUrls`, message: 'failover URL "" has no host' },
  { name: 'failoverUrls scheme without host', text: listener({ failoverUrls: 'amqps://:5671' }), path: `${AT}.failoverUrls`, message: 'failover URL "amqps://:5671" has no host' },
  // router (dispatch.c, server.c)
  { name: 'workerThreads 0', text: routerWith({ workerThreads: 0 }), path: '$[0][1].workerThreads', message: '"workerThreads" must be 1…2147483647; skrouterd 3.5.1 refuses to boot with 0' },
  { name: 'workerThreads -1', text: routerWith({ workerThreads: '-1' }), path: '$[0][1].workerThreads', message: 'refuses to boot with -1' },
  { name: 'workerThreads past INT32_MAX', text: routerWith({ workerThreads: 2147483648 }), path: '$[0][1].workerThreads', message: 'refuses to boot with 2147483648' },
  // policy (policy.c)
  { name: 'policy maxConnections -1', text: interior(['policy', { maxConnections: -1 }]), path: `${AT}.maxConnections`, message: '"maxConnections" must be 0…2147483647' },
  // vhost (policy_local.py)
  { name: 'vhost maxConnections -1', text: vhost({ maxConnections: -1 }), path: `${AT}.maxConnections`, message: '"maxConnections" must be 0…65535; skrouterd 3.5.1 refuses to boot with -1 (PolicyError' },
  { name: 'vhost maxConnectionsPerUser 65536', text: vhost({ maxConnectionsPerUser: 65536 }), path: `${AT}.maxConnectionsPerUser`, message: 'must be 0…65535' },
  { name: 'vhost maxConnectionsPerHost -1', text: vhost({ maxConnectionsPerHost: '-1' }), path: `${AT}.maxConnectionsPerHost`, message: 'must be 0…65535' },
  { name: 'vhost maxMessageSize -1', text: vhost({ maxMessageSize: -1 }), path: `${AT}.maxMessageSize`, message: '"maxMessageSize" must be 0 or more' },
  { name: 'group maxSessions a word', text: group({ users: 'a', maxSessions: 'lots' }), path: `${AT}.groups["g"].maxSessions`, message: '"maxSessions" must be an integer 0 or more, not "lots"' },
  { name: 'group maxFrameSize null', text: group({ users: 'a', maxFrameSize: null }), path: `${AT}.groups["g"].maxFrameSize`, message: 'must be an integer' },
  { name: 'group maxSenders -1', text: group({ users: 'a', maxSenders: -1 }), path: `${AT}.groups["g"].maxSenders`, message: 'must be 0 or more' },
  { name: 'group maxConnectionsPerUser 65536', text: group({ users: 'a', maxConnectionsPerUser: '65536' }), path: `${AT}.groups["g"].maxConnectionsPerUser`, message: 'must be 0…65535' },
  { name: 'group that is not an object', text: group('all'), path: `${AT}.groups["g"]`, message: 'user group "g" must be an object of settings, not "all"' },
  { name: 'group flag that is a word', text: group({ users: 'a', allowDynamicSource: 'maybe' }), path: `${AT}.groups["g"].allowDynamicSource`, message: 'must be true or false' },
  { name: 'group sources that is a number', text: group({ users: 'a', sources: 5 }), path: `${AT}.groups["g"].sources`, message: 'must be a comma-separated string or a list of strings' },
  { name: 'two ${user} in an item', text: group({ users: 'a', targets: '${user}-${user}' }), path: `${AT}.groups["g"].targets`, message: 'has ${user} more than once' },
  { name: '${user} inside a pattern', text: group({ users: 'a', sourcePattern: 'a.${user}.b' }), path: `${AT}.groups["g"].sourcePattern`, message: 'only at its start or end' },
  { name: 'sources and sourcePattern', text: group({ users: 'a', sources: 'x', sourcePattern: 'y' }), path: `${AT}.groups["g"].sourcePattern`, message: 'gives both "sources" and "sourcePattern"' },
  { name: 'a user in two groups', text: group({ users: 'a, b' }, { h: { users: 'b' } }), path: `${AT}.groups["h"].users`, message: 'lists user "b", as does group "g"' },
  { name: 'two groups without users', text: group({ maxSessions: 1 }, { h: { maxSenders: 1 } }), path: `${AT}.groups["h"].users`, message: 'has no "users"' },
  { name: 'allowUnknownUser without $default', text: vhost({ allowUnknownUser: true, groups: { g: { users: 'a' } } }), path: `${AT}.allowUnknownUser`, message: 'needs a "$default" user group' },
  { name: 'alias repeating the hostname', text: vhost({ aliases: 'x, h' }), path: `${AT}.aliases`, message: 'alias "h" repeats the vhost\'s own hostname' },
  { name: 'alias given twice', text: vhost({ aliases: 'x,x' }), path: `${AT}.aliases`, message: 'alias "x" is given twice' },
  { name: 'alias that is another vhost', text: interior(['vhost', { name: 'v', hostname: 'h' }], ['vhost', { name: 'w', hostname: 'k', aliases: 'h' }]), path: '$[2][1].aliases', message: 'alias "h" is the hostname of the vhost at $[1][1]' },
  { name: 'alias shared by two vhosts', text: interior(['vhost', { name: 'v', hostname: 'h', aliases: 'a' }], ['vhost', { name: 'w', hostname: 'k', aliases: 'a' }]), path: '$[2][1].aliases', message: 'alias "a" is also an alias of the vhost at $[1][1]' },
  { name: 'remoteHosts range of three', text: group({ users: 'a', remoteHosts: '10.0.0.1-10.0.0.2-10.0.0.3' }), path: `${AT}.groups["g"].remoteHosts`, message: 'has 3 parts' },
  { name: 'remoteHosts range backwards', text: group({ users: 'a', remoteHosts: '10.0.0.9-10.0.0.1' }), path: `${AT}.groups["g"].remoteHosts`, message: 'lower address first' },
  { name: 'remoteHosts IPv6 range backwards', text: group({ users: 'a', remoteHosts: ['::ffff:10.0.0.9-::ffff:10.0.0.1'] }), path: `${AT}.groups["g"].remoteHosts`, message: 'lower address first' },
  { name: 'remoteHosts mixing families', text: group({ users: 'a', remoteHosts: '10.0.0.1-::2' }), path: `${AT}.groups["g"].remoteHosts`, message: 'mixes IPv4 and IPv6' },
  { name: 'remoteHosts trailing comma', text: group({ users: 'a', remoteHosts: '10.0.0.1,' }), path: `${AT}.groups["g"].remoteHosts`, message: 'has an empty host' },
  { name: 'remoteHosts a number', text: group({ users: 'a', remoteHosts: 7 }), path: `${AT}.groups["g"].remoteHosts`, message: 'must be a comma-separated string or a list' },
  // NUL characters anywhere the router passes a string to C
  { name: 'NUL in a name', text: listener({ name: 'a\u0000b' }), path: `${AT}.name`, message: 'the name contains a NUL character' },
  { name: 'NUL in a derived name', text: interior(['address', { prefix: 'a\u0000' }]), path: `${AT}.prefix`, message: 'the value contains a NUL character' },
  { name: 'NUL in a host', text: connector({ host: 'h\u0000' }), path: `${AT}.host`, message: 'embedded null character' },
  { name: 'NUL in the router id', text: routerWith({ id: 'r\u00001' }), path: '$[0][1].id', message: 'NUL character' },
  { name: 'NUL in an openProperties value', text: listener({ openProperties: { k: ['x', 'y\u0000'] } }), path: `${AT}.openProperties.k[1]`, message: 'NUL character' },
  { name: 'NUL in a vhost group key', text: group({ users: 'a' }, { 'b\u0000': { users: 'c' } }), path: `${AT}.groups["b\\u0000"]`, message: 'the key "b\\u0000" contains a NUL character' },
];

export const BOOT_ACCEPTANCES: readonly Acceptance[] = [
  { name: 'cost 1 and INT32_MAX', text: interior(['listener', { name: 'a', port: 1, cost: 1 }], ['connector', { name: 'b', port: 2, cost: 2147483647 }]) },
  { name: 'maxFrameSize 0, 512 and INT32_MAX', text: interior(['listener', { name: 'a', port: 1, maxFrameSize: 0 }], ['listener', { name: 'b', port: 2, maxFrameSize: 512 }], ['connector', { name: 'c', port: 3, maxFrameSize: 2147483647 }]) },
  { name: 'maxSessions 0, 1 and 32768', text: interior(['listener', { name: 'a', port: 1, maxSessions: 0 }], ['listener', { name: 'b', port: 2, maxSessions: 1 }], ['connector', { name: 'c', port: 3, maxSessions: '32768' }]) },
  { name: 'maxSessionFrames 0, 2 and INT32_MAX', text: interior(['listener', { name: 'a', port: 1, maxSessionFrames: 0 }], ['listener', { name: 'b', port: 2, maxSessionFrames: 2 }], ['connector', { name: 'c', port: 3, maxSessionFrames: 2147483647 }]) },
  { name: 'workerThreads 1', text: routerWith({ workerThreads: 1 }) },
  { name: 'workerThreads 1024', text: routerWith({ workerThreads: 1024 }) },
  { name: 'workerThreads 1025, with a warning', text: routerWith({ workerThreads: 1025 }), warning: 'more than 1024', warningPath: '$[0][1].workerThreads' },
  { name: 'policy maxConnections 0', text: interior(['policy', { maxConnections: 0 }]) },
  { name: 'vhost limits at 0 and 65535', text: vhost({ maxConnections: 0, maxConnectionsPerUser: 65535, maxConnectionsPerHost: '65535', maxMessageSize: 0 }) },
  {
    name: 'a full vhost in the style of the router\'s own example',
    text: vhost({
      aliases: 'antialias',
      allowUnknownUser: true,
      groups: {
        anonymous: { users: 'anonymous', remoteHosts: '*', maxFrameSize: 111111, maxSessions: '1', maxSenders: 11, allowDynamicSource: 'False', sources: 'public', targets: '' },
        test: { users: ['zeke', 'ynot'], remoteHosts: '10.48.0.0-10.48.255.255, 192.168.100.0-192.168.100.255, ::1', maxConnectionsPerUser: 0, sourcePattern: '${user}.#', targetPattern: 'a.${user}' },
        $default: { remoteHosts: '*', maxSessionWindow: 222222, allowAnonymousSender: false },
      },
    }),
  },
  { name: 'a remoteHosts name range, with a warning', text: group({ users: 'a', remoteHosts: 'my-host' }), warning: 'read as a range from "my" to "host"' },
  { name: 'an unknown group option, with a warning', text: group({ users: 'a', maxLinks: 1 }), warning: 'unknown user group option "maxLinks" is ignored' },
  { name: 'failoverUrls with spaces and a trailing comma', text: listener({ failoverUrls: 'amqp://a.example:5672, b.example ,' }) },
  { name: 'control characters other than NUL', text: listener({ saslMechanisms: 'ANONYMOUS\u0001' }) },
];

describe('values that make skrouterd 3.5.1 exit at boot', () => {
  rejectAll(BOOT_REJECTIONS);
  acceptAll(BOOT_ACCEPTANCES);
});
