/**
 * Booting from a skrouterd array file the way 3.5.1 does (`config.py` `Config.load` and
 * `configure_dispatch`): JSON mode (lines starting with `#` dropped), section and key names
 * camel-cased (so long type names fail), missing singletons added, every section validated
 * (defaults, coercion, one name namespace, role/mode rules), then applied in the router's order.
 * Any failure is the router exiting at start-up: a SimulatorBootError with the log line, or, for
 * a worker thread count it cannot run with, how the process ends.
 */
import { readFileSync } from 'node:fs';
import { TYPES, findType, longName, type TypeInfo } from './catalog.js';
import { validateAttributes } from './coerce.js';
import { createAddress, createAutoLink } from './c-tables.js';
import { PythonException, SchemaValidationError, SimulatorBootError, StatusError } from './errors.js';
import { addEntity, validateAdd } from './lifecycle.js';
import { addDefaultLogs, addManagementNode, addRegisteredEntities } from './operational.js';
import { isPlainObject, pyStr, type Attributes } from './python-values.js';
import { RouterState, type StateOptions } from './state.js';

export type BootSource = { readonly text: string } | { readonly file: string };

/** The file name a text boot source pretends to have (the image's QDROUTERD_CONF default). */
export const INLINE_BOOT_FILE = '/tmp/skrouterd.json';

interface Section {
  readonly type: TypeInfo;
  readonly attributes: Attributes;
}

function camelCase(name: string): string {
  const [first = '', ...rest] = name.split(/[-.]/);
  return first + rest.map((w) => w.charAt(0).toUpperCase() + w.slice(1)).join('');
}

const C_SECTION_NAMES: Record<string, string> = {
  address: 'router.config.address',
  autoLink: 'router.config.autoLink',
  exchange: 'router.config.exchange',
  binding: 'router.config.binding',
};

function readSource(source: BootSource | undefined): string {
  if (!source) return '[]';
  if ('text' in source) return source.text;
  try {
    return readFileSync(source.file, 'utf8');
  } catch {
    throw new PythonException('FileNotFoundError', `[Errno 2] No such file or directory: '${source.file}'`);
  }
}

/** Raw sections (`[shortType, {attributes}]`) after comment removal and camel-casing. */
function parseSections(text: string): [string, Attributes][] {
  const json = text.split('\n').map((line) => (line.trim().startsWith('#') ? '' : line)).join('\n');
  if (json.trim() === '') throw new PythonException('JSONDecodeError', 'Expecting value: line 1 column 1 (char 0)');
  let parsed: unknown;
  try {
    parsed = JSON.parse(json);
  } catch (e) {
    throw new PythonException('JSONDecodeError', e instanceof Error ? e.message : String(e));
  }
  if (!Array.isArray(parsed)) throw new PythonException('TypeError', "'str' object does not support item assignment");
  return parsed.map((section) => {
    if (!Array.isArray(section) || typeof section[0] !== 'string' || !isPlainObject(section[1])) {
      throw new PythonException('TypeError', `invalid configuration section ${JSON.stringify(section)}`);
    }
    const name = camelCase(section[0]);
    const attributes = Object.fromEntries(Object.entries(section[1]).map(([k, v]) => [camelCase(k), v]));
    return [C_SECTION_NAMES[name] ?? name, attributes];
  });
}

/** Config.load: singletons added, every entity validated against the ones before it. */
function loadSections(text: string): Section[] {
  const raw = parseSections(text);
  for (const type of TYPES) {
    if (type.configuration && type.singleton && !raw.some(([name]) => name === type.shortName)) raw.push([type.shortName, {}]);
  }
  const sections: Section[] = [];
  for (const [name, attrs] of raw) {
    if ('type' in attrs) throw new PythonException('TypeError', "dict() got multiple values for keyword argument 'type'");
    const attributes: Attributes = { type: longName(name), ...attrs };
    const type = findType(pyStr(attributes['type']));
    if (!type) throw new SchemaValidationError(`No such entity type '${pyStr(attributes['type'])}'`);
    validateAttributes(type, attributes);
    validateAdd({ type, attributes }, sections, 'dict');
    sections.push({ type, attributes });
  }
  return sections;
}

/** How the router's start-up failure names a Python exception. */
function exceptionText(e: unknown): string {
  if (e instanceof PythonException) return e.text;
  if (e instanceof SchemaValidationError) return `ValidationError: ${e.message}`;
  if (e instanceof StatusError) return `BadRequestStatus: ${e.description}`;
  return e instanceof Error ? `${e.name}: ${e.message}` : String(e);
}

function configure(state: RouterState, section: Section): void {
  const short = section.type.shortName;
  if (short === 'address' || short === 'autoLink') {
    // Python keeps an adapter in its list; the C core gets the table row (its errors are only logged).
    addEntity(state, section.type, section.attributes, 'entity');
    const name = section.attributes['name'];
    const create = short === 'address' ? createAddress : createAutoLink;
    create(state, name === undefined ? null : pyStr(name), section.attributes);
    return;
  }
  addEntity(state, section.type, section.attributes, 'entity');
}

/** configure_dispatch: the apply order of 3.5.1. */
function apply(sections: readonly Section[], options: StateOptions, routerId: string): RouterState {
  const state = new RouterState(options);
  addManagementNode(state);
  const of = (short: string) => sections.filter((s) => s.type.shortName === short);
  const configuredLogs = new Set<string>();
  for (const log of of('log')) {
    const module = pyStr(log.attributes['module']);
    if (configuredLogs.has(module)) throw new PythonException('KeyError', `'${module}'`);
    configure(state, log);
    configuredLogs.add(module);
  }
  addDefaultLogs(state, configuredLogs);
  for (const router of of('router')) {
    configure(state, { type: router.type, attributes: { ...router.attributes, id: router.attributes['id'] ?? routerId } });
  }
  for (const network of of('network')) configure(state, network);
  addRegisteredEntities(state);
  const early = ['policy', 'sslProfile', 'address', 'autoLink', 'vhost'];
  const late = ['connector', 'listener', 'tcpListener', 'tcpConnector', 'listenerAddress'];
  for (const short of early) for (const s of of(short)) configure(state, s);
  const done = new Set(['log', 'router', 'network', ...early, ...late]);
  for (const s of sections) if (!done.has(s.type.shortName)) configure(state, s);
  for (const short of late) for (const s of of(short)) configure(state, s);
  return state;
}

/**
 * Boots a router state from a boot file, or throws SimulatorBootError with what the router
 * logs before it exits. `routerId` is used when the file's router has no id.
 */
export function bootRouter(source: BootSource | undefined, options: StateOptions, routerId: string): RouterState {
  const file = source && 'file' in source ? source.file : INLINE_BOOT_FILE;
  let sections: Section[];
  try {
    sections = loadSections(readSource(source));
  } catch (e) {
    const detail = e instanceof SchemaValidationError ? e.message : e instanceof PythonException ? e.message : exceptionText(e);
    throw new SimulatorBootError(`Python: Exception: Cannot load configuration file ${file}: ${detail}`, { cause: e });
  }
  let state: RouterState;
  try {
    state = apply(sections, options, routerId);
  } catch (e) {
    throw new SimulatorBootError(`Python: ${exceptionText(e)}`, { cause: e });
  }
  checkWorkerThreads(state);
  return state;
}

/**
 * Once the file is loaded the router starts its worker threads: with none it ends at once with
 * status 0, and a negative count aborts it (SIGABRT). Neither is a start-up failure it logs.
 */
function checkWorkerThreads(state: RouterState): void {
  const threads = state.routerAttribute('workerThreads');
  if (typeof threads !== 'number' || threads > 0) return;
  const exit = threads === 0 ? { exitCode: 0 } : ({ signal: 'SIGABRT' } as const);
  const how = 'exitCode' in exit ? `exited with status ${exit.exitCode}` : `was killed by ${exit.signal}`;
  throw new SimulatorBootError(`the router ${how} at start-up: router workerThreads is ${threads}`, { exit, logged: false });
}

