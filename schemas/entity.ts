/**
 * The facts the planner, the validator and the simulator read about one skrouterd entity type.
 *
 * Every type is declared once with {@link defineEntity}; the TypeBox schema that validates the
 * desired configuration is derived from the same declaration, so the facts and the schema can
 * never disagree.
 */
import { Type, type TObject, type TSchema } from '@sinclair/typebox';

/** Prefix of every long management type name. */
export const TYPE_PREFIX = 'io.skupper.router.';

/** Short names as they appear in a skrouterd config file. */
export const ENTITY_KINDS = [
  'router',
  'site',
  'network',
  'policy',
  'log',
  'sslProfile',
  'proxyProfile',
  'vhost',
  'address',
  'autoLink',
  'listener',
  'connector',
  'tcpListener',
  'tcpConnector',
  'listenerAddress',
] as const;
export type EntityKind = (typeof ENTITY_KINDS)[number];

export type Operation = 'CREATE' | 'READ' | 'UPDATE' | 'DELETE';

/**
 * How an attribute can be changed:
 * - `create`: set at CREATE only; a change means delete + create (or a restart for restart-only types);
 * - `update`: set at CREATE and changeable by UPDATE;
 * - `read`: reported by the router only (status, counters, derived values); never sent, never compared.
 */
export type Access = 'create' | 'update' | 'read';

/** The value type of an attribute as the router stores it. */
export type AttributeKind = 'string' | 'integer' | 'boolean' | 'enum' | 'port' | 'path' | 'map' | 'properties';

export interface AttributeFacts {
  readonly kind: AttributeKind;
  readonly access: Access;
  readonly description: string;
  /** Allowed values of an `enum` attribute. */
  readonly values?: readonly string[];
  /** The value the router fills in when the attribute is absent (as the router reports it). */
  readonly default?: string | number | boolean;
  /** The router refuses an entity without it (or cannot work without it). */
  readonly required?: boolean;
  /** The value names another entity of this type, which must exist when this one is created. */
  readonly references?: EntityKind;
  /** Passwords and similar: masked in plans, logs and status. */
  readonly secret?: boolean;
  /** Accepted for compatibility but ignored by 3.5.1. */
  readonly deprecated?: boolean;
  /** A change needs a router restart even though the type has live operations (network.tenantId). */
  readonly restartOnly?: boolean;
}

export interface EntityFacts {
  /** Short name, as used in the config file. */
  readonly kind: EntityKind;
  /** Long management type name, always used on the wire. */
  readonly longType: string;
  readonly description: string;
  /** Operations the router allows for the type (READ is always there). */
  readonly operations: readonly Operation[];
  /** Exactly one may exist; the router creates it empty when the file has none. */
  readonly singleton: boolean;
  /** Only a router restart from a regenerated boot file can change it. */
  readonly restartOnly: boolean;
  /**
   * Which management agent owns the type. Names are unique across every `python` type;
   * `c` types (address, autoLink) have their own namespace.
   */
  readonly agent: 'python' | 'c';
  readonly attributes: Readonly<Record<string, AttributeFacts>>;
  /** TypeBox schema of the desired attributes (config attributes plus `name`). */
  readonly schema: TObject;
}

type AttrOptions = Partial<Omit<AttributeFacts, 'kind' | 'description' | 'values'>>;

function attribute(kind: AttributeKind, description: string, options: AttrOptions = {}): AttributeFacts {
  return { kind, description, access: 'create', ...options };
}

/** Small constructors that keep the per-type declarations readable. */
export const attr = {
  string: (description: string, options?: AttrOptions) => attribute('string', description, options),
  integer: (description: string, options?: AttrOptions) => attribute('integer', description, options),
  boolean: (description: string, options?: AttrOptions) => attribute('boolean', description, options),
  port: (description: string, options?: AttrOptions) => attribute('port', description, options),
  path: (description: string, options?: AttrOptions) => attribute('path', description, options),
  map: (description: string, options?: AttrOptions) => attribute('map', description, options),
  properties: (description: string, options?: AttrOptions) => attribute('properties', description, options),
  enum: (values: readonly string[], description: string, options?: AttrOptions): AttributeFacts => ({
    ...attribute('enum', description, options),
    values,
  }),
  /** A name of another entity. */
  ref: (target: EntityKind, description: string, options?: AttrOptions) =>
    attribute('string', description, { ...options, references: target }),
  /** Reported by the router, never configured. */
  status: (kind: AttributeKind, description: string): AttributeFacts => attribute(kind, description, { access: 'read' }),
};

/**
 * Input accepted in a config file for one attribute. The router coerces on load
 * (`"3"` → 3, `"yes"` → true, 5672 → `"5672"`), so the desired file may use either form;
 * the normaliser turns both into the router's form.
 */
function inputSchema(facts: AttributeFacts): TSchema {
  const description = facts.description;
  switch (facts.kind) {
    case 'integer':
      return Type.Union([Type.Integer(), Type.String({ pattern: '^-?[0-9]+$' })], { description });
    case 'boolean':
      return Type.Union([Type.Boolean(), Type.Union(BOOLEAN_WORDS.map((w) => Type.Literal(w)))], { description });
    case 'port':
      return Type.Union([Type.Integer({ minimum: 1, maximum: 65535 }), Type.String({ pattern: PORT_PATTERN })], {
        description,
      });
    case 'enum':
      return Type.Union((facts.values ?? []).map((v) => Type.Literal(v)), { description });
    case 'map':
    case 'properties':
      return Type.Record(Type.String(), Type.Unknown(), { description });
    case 'string':
    case 'path':
      return Type.String({ description });
  }
}

/** Words the router reads as booleans. */
export const BOOLEAN_WORDS = ['yes', 'no', 'true', 'false'] as const;
/** A decimal port 1–65535 written as a string. */
export const PORT_PATTERN = '^(?:[1-9][0-9]{0,3}|[1-5][0-9]{4}|6[0-4][0-9]{3}|65[0-4][0-9]{2}|655[0-2][0-9]|6553[0-5])$';

export interface EntityDeclaration {
  kind: EntityKind;
  description: string;
  operations: readonly Operation[];
  singleton?: boolean;
  restartOnly?: boolean;
  agent?: 'python' | 'c';
  /** Long type without the prefix, when it differs from the short name. */
  managementName?: string;
  attributes: Record<string, AttributeFacts>;
}

/** Declares one entity type and derives its TypeBox schema. */
export function defineEntity(decl: EntityDeclaration): EntityFacts {
  const properties: Record<string, TSchema> = {
    name: Type.String({ minLength: 1, description: 'Name of the entity; the key the controller reconciles by.' }),
  };
  const required: string[] = [];
  for (const [key, facts] of Object.entries(decl.attributes)) {
    if (facts.access === 'read') continue;
    properties[key] = inputSchema(facts);
    if (facts.required) required.push(key);
  }
  const schema = Type.Object(
    Object.fromEntries(
      Object.entries(properties).map(([key, s]) => [key, required.includes(key) ? s : Type.Optional(s)]),
    ),
    { additionalProperties: false, $id: decl.kind, description: decl.description },
  );
  return {
    kind: decl.kind,
    longType: TYPE_PREFIX + (decl.managementName ?? decl.kind),
    description: decl.description,
    operations: decl.operations,
    singleton: decl.singleton ?? false,
    restartOnly: decl.restartOnly ?? false,
    agent: decl.agent ?? 'python',
    attributes: decl.attributes,
    schema,
  };
}
