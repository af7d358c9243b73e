/**
 * The vhost rules of 3.5.1's policy compiler beyond the recorded cases (those are in
 * boot-refusals.test.ts): what a CREATE of such a vhost answers, with the compiler's texts.
 */
import { describe, expect, it } from 'vitest';
import { T, testRouter } from './test-support/router.js';

const create = (attributes: Record<string, unknown>) => {
  const r = testRouter();
  const reply = r.must({ operation: 'CREATE', type: T('vhost'), name: 'vh' }, { hostname: 'vh', ...attributes });
  return { status: reply.statusCode, text: reply.statusDescription, vhosts: r.state.entities.filter((e) => e.type.shortName === 'vhost').length };
};
const invalid = (detail: string) => ({ status: 500, text: `PolicyError: Policy 'vh' is invalid: ${detail}`, vhosts: 0 });

describe('vhost policy rules', () => {
  it('accepts a plain vhost and one whose groups are sound', () => {
    expect(create({})).toMatchObject({ status: 201, vhosts: 1 });
    expect(create({ allowUnknownUser: true, groups: { $default: { users: '*', maxSessions: '10', allowDynamicSource: 'true' } } })).toMatchObject({ status: 201 });
  });

  it('refuses a user in two groups, and two groups without users (both map the user "")', () => {
    expect(create({ groups: { a: { users: 'u1, u2' }, b: { users: 'u2' } } })).toEqual(invalid("Policy vhost 'vh' user 'u2' is in multiple user groups 'a' and 'b'"));
    expect(create({ groups: { a: {}, b: {} } })).toEqual(invalid("Policy vhost 'vh' user '' is in multiple user groups 'a' and 'b'"));
  });

  it('refuses allowUnknownUser without $default settings', () => {
    expect(create({ allowUnknownUser: true })).toEqual(invalid("Policy vhost 'vh' allows connections by default but default settings are not defined"));
  });

  it('refuses bad group options with the compiler\'s texts', () => {
    expect(create({ groups: { g: { maxConnectionsPerUser: 70000 } } })).toEqual(
      invalid("Policy vhost 'vh' user group 'g' option 'maxConnectionsPerUser' has error 'Value '70000' is above maximum '65535'.'."),
    );
    expect(create({ groups: { g: { allowUserIdProxy: 'maybe' } } })).toEqual(invalid("Policy vhost 'vh' user group 'g' option 'allowUserIdProxy' has illegal boolean value 'maybe'."));
    expect(create({ groups: { g: { sources: 'a', sourcePattern: 'b' } } })).toEqual(
      invalid("Policy vhost 'vh' user group 'g' specifies conflicting 'sources' and 'sourcePattern' attributes. Use only one or the other."),
    );
    expect(create({ groups: { g: { targets: '${user}x${user}' } } })).toEqual(
      invalid("Policy vhost 'vh' user group 'g' policy key 'targets' item '${user}x${user}' contains multiple user substitution tokens"),
    );
  });

  it('refuses aliases that repeat the vhost or each other', () => {
    expect(create({ aliases: 'vh' })).toEqual(invalid("Policy vhost 'vh' option 'aliases' value 'vh' duplicates vhost name"));
    expect(create({ aliases: 'a, a' })).toEqual(invalid("Policy vhost 'vh' option 'aliases' value 'a' is duplicated"));
  });

  it('an UPDATE that breaks the rules answers 500 and keeps the merged values, as the agent assigns before it applies', () => {
    const r = testRouter();
    r.must({ operation: 'CREATE', type: T('vhost'), name: 'vh' }, { hostname: 'vh' });
    const reply = r.must({ operation: 'UPDATE', type: T('vhost'), name: 'vh' }, { maxConnections: -1 });
    expect([reply.statusCode, reply.statusDescription]).toEqual([500, "PolicyError: Policy 'vh' is invalid: Policy vhost 'vh' option 'maxConnections' has error 'Value '-1' is below minimum '0'.'."]);
    expect(r.must({ operation: 'READ', type: T('vhost'), name: 'vh' }).body).toMatchObject({ maxConnections: -1 });
  });
});
