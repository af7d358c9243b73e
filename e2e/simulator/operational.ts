/**
 * The entities a 3.5.1 router has without being asked: the management node, one log entity per
 * module, its own router.node (interior), the memory pools (`allocator`) and per-module log
 * counters (`logStats`). Orders are the ones a real 3.5.1 reported; the router derives them from
 * Python set iteration and C registration order, so a real router may list them differently.
 */
import { LOG_MODULES } from '../../schemas/index.js';
import { typeOf, type TypeInfo } from './catalog.js';
import { constructAttributes } from './construct.js';
import type { Attributes } from './python-values.js';
import type { RouterState } from './state.js';

/** Order of the log modules the boot file does not configure. */
export const UNCONFIGURED_LOG_ORDER: readonly string[] = [
  'DEFAULT', 'ERROR', 'HTTP2_OBSERVER', 'SERVER', 'ROUTER_HELLO', 'AGENT', 'HTTP', 'FLOW_LOG', 'HTTP2_DECODER', 'POLICY',
  'ROUTER_LS', 'MESSAGE', 'HTTP_ADAPTOR', 'PROTOCOL', 'ROUTER_MA', 'HTTP1_OBSERVER', 'ADDRESS_WATCH', 'ROUTER',
  'ROUTER_CORE', 'CONN_MGR', 'TCP_ADAPTOR', 'CONTAINER', 'PYTHON',
];

const LOG_STATS_ORDER: readonly string[] = [
  'DEFAULT', 'AGENT', 'PROTOCOL', 'ERROR', 'HTTP2_OBSERVER', 'SERVER', 'ROUTER_HELLO', 'HTTP', 'FLOW_LOG', 'HTTP2_DECODER',
  'POLICY', 'ROUTER_LS', 'MESSAGE', 'HTTP_ADAPTOR', 'ROUTER_MA', 'HTTP1_OBSERVER', 'ADDRESS_WATCH', 'ROUTER', 'ROUTER_CORE',
  'CONN_MGR', 'TCP_ADAPTOR', 'CONTAINER', 'PYTHON',
];

const ALLOCATOR_TYPES = (
  'qd_adaptor_config_t qd_tcp_listener_t qd_tcp_connector_t qd_tcp_connection_t qd_listener_address_t qd_adaptor_listener_t ' +
  'qd_link_t qd_link_ref_t qd_pn_free_link_t qd_session_t qd_listener_t qd_connection_t qd_deferred_call_t qd_connector_t ' +
  'qd_connector_config_t qd_proxy_setup_info_t qd_proxy_profile_t qdpo_config_t qdpo_t qdpo_transport_handle_t ' +
  'http1_request_state_t qd_http2_stream_info_t h1_decode_request_state_t qd_http1_decoder_connection_t ' +
  'qd_http2_decoder_connection_t qd_bitmask_t qd_buffer_t qd_composite_t qd_composed_field_t qd_delivery_state_t ' +
  'qd_hash_item_t qd_hash_handle_t qd_hash_segment_t qd_iterator_t qd_log_entry_t qd_message_t qd_message_content_t ' +
  'qd_parsed_field_t qd_parse_tree_t qd_parse_node_t qd_policy_settings_t vflow_attribute_data_t vflow_rate_t ' +
  'vflow_record_t vflow_work_t qdr_address_watch_t qdr_query_t qdr_connection_t qdr_connection_work_t qdrc_endpoint_t ' +
  'qdrc_client_request_t qdrc_client_t qdr_delivery_t qdr_error_t qdr_forward_deliver_info_t qdr_auto_link_t ' +
  'qdr_conn_identifier_t qdr_address_t qdr_address_config_t qdr_node_t qdr_delivery_ref_t qdr_link_t qdr_router_ref_t ' +
  'qdr_link_ref_t qdr_delivery_cleanup_t qdr_general_work_t qdr_link_work_t qdr_connection_ref_t qdr_connection_info_t ' +
  'qdr_subscription_ref_t qdr_field_t qdr_action_t qd_management_context_t qdr_terminus_t qdr_core_timer_t ' +
  'qdr_addr_endpoint_state_t mesh_peer_t qd_proton_config_t qd_tls_session_t qd_tls_config_t qd_tls_context_t qd_timer_t ' +
  'qdtm_router_t'
).split(' ');

function push(state: RouterState, type: TypeInfo, attributes: Attributes): void {
  state.entities.push({ type, attributes, refreshes: 0 });
}

/** The management node, always the first entity (`name` and `identity` both `self`). */
export function addManagementNode(state: RouterState): void {
  const type = typeOf('io.skupper.router.management');
  push(state, type, { identity: 'self', name: 'self', type: type.longType });
}

/** Log entities for the modules the boot file left out (`{type, module}` only). */
export function addDefaultLogs(state: RouterState, configured: ReadonlySet<string>): void {
  const type = typeOf('io.skupper.router.log');
  const modules = [...UNCONFIGURED_LOG_ORDER, ...LOG_MODULES.filter((m) => !UNCONFIGURED_LOG_ORDER.includes(m))];
  for (const module of modules) {
    if (!configured.has(module)) push(state, type, constructAttributes(state, type, { type: type.longType, module }));
  }
}

/** What the agent's first refresh from C registers: router.node (interior only), allocators, logStats. */
export function addRegisteredEntities(state: RouterState): void {
  const nowSeconds = Math.floor(state.options.now() / 1000);
  if (state.routerAttribute('mode') === 'interior') {
    const type = typeOf('io.skupper.router.router.node');
    const id = state.routerId();
    push(state, type, constructAttributes(state, type, {
      type: type.longType, id, protocolVersion: 1, instance: nowSeconds, linkState: [], nextHop: '(self)', validOrigins: [],
      address: `amqp:/_topo/0/${id}`, lastTopoChange: 0, index: 0,
    }));
  }
  const allocator = typeOf('io.skupper.router.allocator');
  for (const typeName of ALLOCATOR_TYPES) {
    push(state, allocator, constructAttributes(state, allocator, {
      type: allocator.longType, typeName, typeSize: 64, transferBatchSize: 64, localFreeListMax: 128, globalFreeListMax: 0,
      totalAllocFromHeap: 0, totalFreeToHeap: 0, heldByThreads: 0, batchesRebalancedToThreads: 0, batchesRebalancedToGlobal: 0,
    }));
  }
  const logStats = typeOf('io.skupper.router.logStats');
  for (const module of LOG_STATS_ORDER) {
    push(state, logStats, {
      type: logStats.longType, debugCount: 0, infoCount: 0, warningCount: 0, errorCount: 0, criticalCount: 0,
      name: module, identity: `logStats/${module}`,
    });
  }
}
