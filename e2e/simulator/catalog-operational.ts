/**
 * The entity types skrouterd 3.5.1 declares besides the configurable ones in `schemas/`:
 * base types, the management node and the operational (read-only) types. Facts only, in the
 * router's schema order; the simulator needs their names, bases, operations and attribute
 * names to answer GET-TYPES / GET-OPERATIONS / GET-ATTRIBUTES / GET-SCHEMA and to validate
 * QUERY attribute names.
 *
 * Attribute syntax: `name:kind` with kind one of string, path, entityId, integer, boolean, map,
 * list, properties, or `[a|b]` for an enum; suffix `!` = required, `*` = graph, `=v` = default.
 */

export interface OperationalDeclaration {
  /** Name as the schema dump keys it (long name minus the prefix). */
  readonly short: string;
  /** Short name of the type it extends (null for `entity`). */
  readonly extends: string | null;
  /** Own operations; READ is inherited from the base types. */
  readonly operations: readonly string[];
  readonly agent: 'python' | 'c';
  readonly className: string;
  readonly description: string;
  readonly singleton?: boolean;
  readonly attributes: string;
}

const AMQP_OPS = ['QUERY', 'GET-TYPES', 'GET-ANNOTATIONS', 'GET-OPERATIONS', 'GET-ATTRIBUTES', 'GET-MGMT-NODES'];

/** An operational type: extends operationalEntity, no operations of its own (READ is inherited). */
function operational(short: string, agent: 'python' | 'c', className: string, description: string, attributes: string): OperationalDeclaration {
  return { short, extends: 'operationalEntity', operations: [], agent, className, description, attributes };
}

/** Every type that `schemas/` does not declare (base types, the management node, operational types). */
export const NON_CONFIG_DECLARATIONS: readonly OperationalDeclaration[] = [
  { short: 'entity', extends: null, operations: [], agent: 'python', className: 'Entity', description: 'Base type of every entity.', attributes: '' },
  { short: 'org.amqp.management', extends: 'operationalEntity', operations: AMQP_OPS, agent: 'python', className: 'Entity', description: 'The standard AMQP management node interface.', attributes: '' },
  { short: 'management', extends: 'org.amqp.management', operations: ['GET-SCHEMA', 'GET-JSON-SCHEMA', 'GET-LOG', 'PROFILE'], agent: 'python', className: 'Entity', singleton: true, description: 'The router\'s extensions of the AMQP management node.', attributes: '' },
  { short: 'configurationEntity', extends: 'entity', operations: ['READ'], agent: 'python', className: 'Entity', description: 'Base type of configuration entities.', attributes: '' },
  { short: 'operationalEntity', extends: 'entity', operations: ['READ'], agent: 'python', className: 'Entity', description: 'Base type of operational entities.', attributes: '' },
  operational('routerMetrics', 'c', 'RouterMetricsEntity', 'Counters of the whole router.',
    'id:string version:string addrCount:integer* linkCount:integer* nodeCount:integer* autoLinkCount:integer* connectionCount:integer* presettledDeliveries:integer* droppedPresettledDeliveries:integer* acceptedDeliveries:integer* rejectedDeliveries:integer* releasedDeliveries:integer* modifiedDeliveries:integer* deliveriesIngress:integer* deliveriesEgress:integer* deliveriesTransit:integer* deliveriesIngressRouteContainer:integer* deliveriesEgressRouteContainer:integer* deliveriesIngressInterNetwork:integer* deliveriesEgressInterNetwork:integer* residentMemoryUsage:integer* memoryUsage:integer* uptimeSeconds:integer* deliveriesStuck:integer* deliveriesDelayed10Sec:integer* deliveriesDelayed1Sec:integer* connectionCounters:map'),
  operational('logStats', 'python', 'LogStatsEntity', 'Counts of log events per severity of one module.',
    'debugCount:integer* infoCount:integer* noticeCount:integer* warningCount:integer* errorCount:integer* criticalCount:integer*'),
  operational('router.link', 'c', 'RouterLinkEntity', 'A link to another AMQP endpoint.',
    'operStatus:[up|down|quiescing|idle] linkName:string linkType:[endpoint|router-control|inter-router|inter-edge] linkDir:[in|out] owningAddr:string capacity:integer undeliveredCount:integer* unsettledCount:integer* deliveryCount:integer* connectionId:integer presettledCount:integer* droppedPresettledCount:integer* acceptedCount:integer* rejectedCount:integer* releasedCount:integer* modifiedCount:integer* deliveriesDelayed1Sec:integer* deliveriesDelayed10Sec:integer* deliveriesStuck:integer* openMovedStreams:integer* creditAvailable:integer* zeroCreditSeconds:integer settleRate:integer* ingressHistogram:list priority:integer'),
  operational('router.address', 'c', 'RouterAddressEntity', 'An address the router knows.',
    'distribution:[flood|multicast|closest|balanced|linkBalanced|unavailable] inProcess:integer subscriberCount:integer* remoteCount:integer* containerCount:integer* deliveriesIngress:integer* deliveriesEgress:integer* deliveriesTransit:integer* deliveriesToContainer:integer* deliveriesFromContainer:integer* deliveriesIngressRouteContainer:integer* deliveriesEgressRouteContainer:integer* deliveriesIngressInterNetwork:integer* deliveriesEgressInterNetwork:integer* key:string remoteHostRouters:list transitOutstanding:list trackedDeliveries:integer priority:integer watch:boolean'),
  operational('router.node', 'python', 'RouterNodeEntity', 'A router of the network, this one included.',
    'id:string protocolVersion:integer instance:integer linkState:list nextHop:string validOrigins:list address:string routerLink:entityId cost:integer lastTopoChange:integer index:integer'),
  operational('connection', 'c', 'ConnectionEntity', 'A connection to the router.',
    'adminStatus:[enabled|deleted]=enabled operStatus:[up|closing] protocol:string container:string opened:boolean host:string localSocket:string dir:[in|out] role:string meshId:string isAuthenticated:boolean isEncrypted:boolean enableProtocolTrace:boolean sasl:string user:string ssl:boolean sslProto:string sslCipher:string sslSsf:integer uptimeSeconds:integer* properties:map lastDlvSeconds:integer* tlsOrdinal:integer groupCorrelationId:string groupOrdinal:integer'),
  operational('tcpConnection', 'python', 'TcpConnectionEntity', 'A TCP flow (no implementation in 3.5.1).',
    'address:string host:string direction:[in|out] bytesIn:integer* bytesOut:integer* uptimeSeconds:integer* lastInSeconds:integer* lastOutSeconds:integer*'),
  operational('allocator', 'python', 'AllocatorEntity', 'A memory pool of the router.',
    'typeName:string typeSize:integer transferBatchSize:integer localFreeListMax:integer* globalFreeListMax:integer* totalAllocFromHeap:integer* totalFreeToHeap:integer* heldByThreads:integer* batchesRebalancedToThreads:integer* batchesRebalancedToGlobal:integer*'),
  {
    short: 'vhostUserGroupSettings', extends: 'configurationEntity', operations: [], agent: 'python', className: 'VhostUserGroupSettingsEntity',
    description: 'Settings of one user group of a vhost (the value schema of vhost.groups).',
    attributes: 'users:string! remoteHosts:string! maxConnectionsPerUser:integer maxConnectionsPerHost:integer maxMessageSize:integer maxFrameSize:integer maxSessionWindow:integer maxSessions:integer maxSenders:integer=2147483647 maxReceivers:integer=2147483647 allowDynamicSource:boolean allowAnonymousSender:boolean allowUserIdProxy:boolean allowAdminStatusUpdate:boolean=true sources:string targets:string sourcePattern:string targetPattern:string',
  },
  operational('vhostStats', 'python', 'VhostStatsEntity', 'Connection counters of one vhost.',
    'hostname:string connectionsApproved:integer* connectionsDenied:integer* connectionsCurrent:integer* perUserState:map perHostState:map sessionDenied:integer* senderDenied:integer* receiverDenied:integer* maxMessageSizeDenied:integer*'),
  {
    short: 'dummy', extends: 'entity', operations: ['CREATE', 'READ', 'UPDATE', 'DELETE', 'CALLME'], agent: 'python', className: 'DummyEntity',
    description: 'Test type of the router.', attributes: 'arg1:string arg2:string num1:integer num2:integer',
  },
];
