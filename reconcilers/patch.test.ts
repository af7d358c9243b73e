import { describe, expect, it } from 'vitest';
import type { DesiredState } from '../schemas/index.js';
import { desiredDocument, planDocuments } from './document.js';
import { MASK } from './format-plan.js';
import { applyDocumentPatch, diffDocuments, formatPatchJson, maskDocument, maskPatch, patchTargets, planPatch } from './patch.js';
import { reportedState } from './reported-state.js';

const before: DesiredState = {
  entities: [
    { kind: 'sslProfile', name: 'tls', attributes: { caCertFile: '/c/ca.crt', password: 'old-secret' } },
    { kind: 'connector', name: 'up/1', attributes: { host: 'peer', port: '55671', saslPassword: 'hunter2' } },
    { kind: 'listener', name: 'amqp', attributes: { port: 5672 } },
  ],
};
const after: DesiredState = {
  entities: [
    { kind: 'sslProfile', name: 'tls', attributes: { caCertFile: '/c/ca.crt', password: 'new-secret' } },
    { kind: 'connector', name: 'up/1', attributes: { host: 'peer', port: '55671', saslPassword: 'letmein' } },
    { kind: 'proxyProfile', name: 'px', attributes: { host: 'proxy', port: '3128', password: 'pw-1' } },
    { kind: 'tcpConnector', name: 'db~x', attributes: { host: 'db', port: 5432, address: 'db' } },
  ],
};

describe('planPatch', () => {
  const patch = planPatch(after, reportedState(before));

  it('is RFC 6902 from the router document to the desired one, with escaped pointers', () => {
    expect(patch.map((op) => `${op.op} ${op.path}`).sort()).toEqual([
      'add /proxyProfile/px',
      'add /tcpConnector/db~0x',
      'remove /listener/amqp',
      'replace /connector/up~11/saslPassword',
      'replace /sslProfile/tls/password',
    ]);
    const docs = planDocuments(after, reportedState(before));
    expect(applyDocumentPatch(docs.actual, patch)).toEqual(docs.desired);
    expect(docs.actual.listener).toHaveProperty('amqp');
  });

  it('masks secrets in attribute values and in added entities, as the plan table does', () => {
    const masked = maskPatch(patch);
    const text = JSON.stringify(masked);
    expect(text).not.toMatch(/secret|hunter2|letmein|pw-1/);
    expect(masked.find((op) => op.path === '/connector/up~11/saslPassword')).toEqual({ op: 'replace', path: '/connector/up~11/saslPassword', value: MASK });
    expect(masked.find((op) => op.path === '/proxyProfile/px')).toMatchObject({ value: { host: 'proxy', password: MASK } });
    expect(masked.find((op) => op.path === '/tcpConnector/db~0x')).toMatchObject({ value: { host: 'db', port: '5432' } });
    // the unmasked patch is untouched
    expect(JSON.stringify(patch)).toContain('letmein');
    expect(JSON.parse(formatPatchJson(patch))).toEqual(masked);
  });

  it('masking commutes with applying: mask(apply(a, p)) = apply(mask(a), mask(p))', () => {
    const docs = planDocuments(after, reportedState(before));
    expect(applyDocumentPatch(maskDocument(docs.actual), maskPatch(patch))).toEqual(maskDocument(docs.desired));
  });

  it('names what it touches: whole entities added or removed, or attributes', () => {
    const targets = patchTargets(patch);
    expect(targets.get('proxyProfile/px')).toEqual({ kind: 'add' });
    expect(targets.get('listener/amqp')).toEqual({ kind: 'remove' });
    expect(targets.get('connector/up/1')).toEqual({ kind: 'attributes', attributes: new Set(['saslPassword']) });
    expect(() => patchTargets([{ op: 'add', path: '/listener', value: {} }])).toThrow(RangeError);
  });

  it('is empty for a router that holds the desired state', () => {
    expect(planPatch(after, reportedState(after))).toEqual([]);
  });
});

describe('diffDocuments between revisions', () => {
  it('goes entity by entity from an empty desired state, and refuses a patch that does not apply', () => {
    const patch = diffDocuments(desiredDocument({ entities: [] }), desiredDocument(after));
    expect(patch.map((op) => op.path).sort()).toEqual(['/connector/up~11', '/proxyProfile/px', '/sslProfile/tls', '/tcpConnector/db~0x']);
    expect(() => applyDocumentPatch(desiredDocument({ entities: [] }), [{ op: 'remove', path: '/listener/nope' }])).toThrow();
  });
});
